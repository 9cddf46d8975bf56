import type { DroppedMessage, JsonRpcId } from '@stepflow/jsonrpc';

/** What the start of a JSON-RPC message says about it. */
export interface EnvelopeHead {
  readonly id?: JsonRpcId;
  readonly kind?: DroppedMessage['kind'];
}

const WHITESPACE = /\s/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/;
/** A top-level `"id"` that is the last member of the object: `…,"id":5}` at the very end. */
const TRAILING_ID = /"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)\s*\}\s*$/;

/**
 * Reads the top-level `id` and the kind (a `method` makes a request, `result` or `error` a
 * response) from the start of a JSON object cut anywhere. Members are skipped whole (strings
 * and nesting understood), so an `"id"` inside a nested value never counts.
 */
export function readEnvelopeHead(text: string): EnvelopeHead {
  let id: JsonRpcId | undefined;
  let kind: EnvelopeHead['kind'];
  const result = (): EnvelopeHead => ({
    ...(id === undefined ? {} : { id }),
    ...(kind === undefined ? {} : { kind }),
  });
  let i = skipSpace(text, 0);
  if (text[i] !== '{') return {};
  i++;
  for (;;) {
    i = skipSpace(text, i);
    if (text[i] !== '"') return result();
    const keyEnd = skipString(text, i);
    if (keyEnd === -1) return result();
    const key = parseJson(text.slice(i, keyEnd));
    i = skipSpace(text, keyEnd);
    if (text[i] !== ':') return result();
    i = skipSpace(text, i + 1);
    const valueEnd = skipValue(text, i);
    if (key === 'method') kind = 'request';
    else if ((key === 'result' || key === 'error') && kind === undefined) kind = 'response';
    if (valueEnd === -1) return result();
    if (key === 'id') id = asId(parseJson(text.slice(i, valueEnd)));
    i = skipSpace(text, valueEnd);
    if (text[i] !== ',') return result();
    i++;
  }
}

/** Reads a top-level `"id"` written as the object's last member from the end of a message. */
export function readTrailingId(text: string): JsonRpcId | undefined {
  const match = TRAILING_ID.exec(text);
  return match === null ? undefined : asId(parseJson(match[1]!));
}

function asId(value: unknown): JsonRpcId | undefined {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))
    ? value
    : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && WHITESPACE.test(text[i]!)) i++;
  return i;
}

/** The index after the string starting at `i` (a `"`), or -1 when the text ends inside it. */
function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (c === '"') return j + 1;
  }
  return -1;
}

/** The index after the value starting at `i`, or -1 when the text ends inside it. */
function skipValue(text: string, i: number): number {
  const first = text[i];
  if (first === '"') return skipString(text, i);
  if (first === '{' || first === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const c = text[j];
      if (c === '"') {
        j = skipString(text, j);
        if (j === -1) return -1;
        j--;
      } else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  const number = NUMBER.exec(text.slice(i, i + 64));
  if (number !== null) return i + number[0].length < text.length ? i + number[0].length : -1;
  for (const word of ['true', 'false', 'null']) {
    if (text.startsWith(word, i)) return i + word.length;
  }
  return -1;
}
