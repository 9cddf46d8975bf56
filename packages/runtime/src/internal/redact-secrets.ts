import { MAX_VALUE_DEPTH } from './value-depth.ts';

/** What a secret value is replaced with wherever inputs are echoed. */
export const REDACTED = '[redacted]';
const TOO_DEEP = '[nested too deeply]';

/** A word that makes a key secret wherever it appears in it. */
const SECRET_WORDS = new Set(['apikey', 'authorization', 'passwd', 'password', 'secret']);
/** A word that makes a key secret when it is the key's last word (`access_token`, not `max_tokens`). */
const SECRET_LAST_WORDS = new Set(['token']);
/** Words that make `key` secret when they come right before it (`api_key`, `x-api-key`). */
const KEY_QUALIFIERS = new Set(['api', 'private']);

const verdicts = new Map<string, boolean>();
const VERDICT_CACHE_SIZE = 4096;

function classify(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (SECRET_WORDS.has(word)) return true;
    if (word === 'key' && i > 0 && KEY_QUALIFIERS.has(words[i - 1]!)) return true;
  }
  const last = words.at(-1);
  return last !== undefined && SECRET_LAST_WORDS.has(last);
}

/**
 * Whether a field name looks like it holds a secret: case-insensitive and in any spelling
 * (`api_key`, `apiKey`, `X-API-Key`, `token`, `access_token`, `password`, `client_secret`,
 * `Authorization`, …), but not `max_tokens`.
 */
export function isSecretKey(key: string): boolean {
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    verdict = classify(key);
    if (verdicts.size < VERDICT_CACHE_SIZE) verdicts.set(key, verdict);
  }
  return verdict;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function redact(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  // Bounded recursion: a hostile value cannot overflow the stack here.
  if (depth >= MAX_VALUE_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const child: unknown = value[i];
      const redacted = redact(child, depth + 1);
      if (redacted !== child) (copy ??= value.slice())[i] = redacted;
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key];
    const redacted = isSecretKey(key) ? REDACTED : redact(child, depth + 1);
    if (redacted === child) continue;
    copy ??= { ...(value as Record<string, unknown>) };
    setOwn(copy, key, redacted);
  }
  return copy ?? value;
}

/**
 * A copy of `value` with the value of every secret-looking field (see `isSecretKey`), at any
 * depth, replaced by `"[redacted]"`; `value` itself when it has none. Used wherever the engine
 * echoes inputs or component data: step failures, run events and logs. Subtrees nested deeper
 * than `MAX_VALUE_DEPTH` are replaced too.
 */
export function redactSecrets<T>(value: T): T {
  return redact(value, 0) as T;
}
