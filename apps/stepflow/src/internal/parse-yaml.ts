import { parseDocument } from 'yaml';

/** A YAML problem with its 1-based position, when known. */
export interface YamlProblem {
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

/** Aliases a document may expand before it is rejected (a "billion laughs" guard). */
const MAX_ALIAS_COUNT = 1000;

/**
 * Parses one YAML document into plain JSON data. Complex keys (a mock's `{input: a}:`) become
 * their compact JSON text. Returns the first problem instead of throwing.
 */
export function parseYaml(text: string): { value: unknown } | { problem: YamlProblem } {
  // `prettyErrors` is what fills in `linePos` (the line and column of each problem).
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  // yaml 2.9 reports a spurious internal error for a flow-map complex key following a nested
  // block map (mock behaviours); the parsed tree is right, so that one is ignored.
  const error = document.errors.find(
    (e) => !(e.code === 'IMPOSSIBLE' && e.message.startsWith('Map comment with trailing content')),
  );
  if (error) {
    const position = error.linePos?.[0];
    return {
      problem: {
        message: (error.message.split('\n')[0] ?? error.message).replace(
          / at line \d+, column \d+:?$/,
          '',
        ),
        ...(position ? { line: position.line, column: position.col } : {}),
      },
    };
  }
  try {
    return { value: toJson(document.toJS({ mapAsMap: true, maxAliasCount: MAX_ALIAS_COUNT })) };
  } catch (cause) {
    return { problem: { message: (cause as Error).message } };
  }
}

function toJson(value: unknown): unknown {
  if (value instanceof Map) {
    const record: Record<string, unknown> = {};
    for (const [key, child] of value) {
      record[typeof key === 'string' ? key : JSON.stringify(toJson(key))] = toJson(child);
    }
    return record;
  }
  if (Array.isArray(value)) return value.map(toJson);
  if (value instanceof Date) return value.toISOString();
  return value;
}
