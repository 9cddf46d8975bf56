import { parseDocument } from 'yaml';
import { canonicalJson } from '../internal/canonical-json.ts';

/** Largest number of alias expansions a YAML document may use ("billion laughs" guard). */
export const MAX_YAML_ALIAS_COUNT = 100;

/** A syntax problem with its 1-based position. */
export class DocumentSyntaxError extends Error {
  override readonly name = 'DocumentSyntaxError';
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

/** Text formats a flow or config file can have. */
export type DocumentFormat = 'yaml' | 'json';

/** Picks the format from a file name: `.json` → JSON, `.yaml`/`.yml` → YAML, other → `undefined`. */
export function formatOfFile(fileName: string): DocumentFormat | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return undefined;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Converts what `yaml` gives with `mapAsMap` into JSON-shaped values. A key that is not a string
 * (a YAML complex key such as `{ input: "a" }`, used by mock behaviours) becomes its canonical
 * JSON text (sorted keys); numbers and booleans as keys become their text.
 */
function toJson(value: unknown): unknown {
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of value) {
      const name =
        typeof key === 'string'
          ? key
          : typeof key === 'object' && key !== null
            ? canonicalJson(toJson(key))
            : String(key);
      Object.defineProperty(out, name, {
        value: toJson(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  if (Array.isArray(value)) return value.map(toJson);
  return value;
}

/**
 * Parses YAML or JSON text into a JSON value. Throws `DocumentSyntaxError` with the line of the
 * problem; a YAML document expanding more than {@link MAX_YAML_ALIAS_COUNT} aliases is rejected.
 */
export function parseDocumentText(text: string, format: DocumentFormat): unknown {
  if (format === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      const message = (error as Error).message;
      const position = /position (\d+)/.exec(message);
      const where = position ? lineAndColumn(text, Number(position[1])) : undefined;
      throw new DocumentSyntaxError(`invalid JSON: ${message}`, where?.line, where?.column);
    }
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  // yaml 2.9 reports a spurious internal error ("Map comment with trailing content") for a
  // flow-map complex key that follows a nested block map (mock behaviours); the parsed tree is
  // right, so that one is ignored.
  const first = doc.errors.find(
    (error) =>
      !(
        error.code === 'IMPOSSIBLE' && error.message.startsWith('Map comment with trailing content')
      ),
  );
  if (first) {
    const where = lineAndColumn(text, first.pos[0]);
    throw new DocumentSyntaxError(
      `invalid YAML: ${first.message.split('\n')[0] ?? first.message}`,
      where.line,
      where.column,
    );
  }
  try {
    return toJson(doc.toJS({ mapAsMap: true, maxAliasCount: MAX_YAML_ALIAS_COUNT }));
  } catch (error) {
    if (error instanceof ReferenceError || /alias/i.test((error as Error).message)) {
      throw new DocumentSyntaxError(
        `YAML aliases expand too much (more than ${MAX_YAML_ALIAS_COUNT} alias uses); the document is rejected as a resource-exhaustion risk`,
      );
    }
    throw new DocumentSyntaxError(`invalid YAML: ${(error as Error).message}`);
  }
}
