import { canonicalJson } from '../internal/canonical-json.ts';
import { MAX_DOCUMENT_DEPTH, documentTooDeep } from './document-limits.ts';

/**
 * Converts what `yaml` gives with `mapAsMap` into JSON-shaped values. A key that is not a string
 * (a YAML complex key such as `{ input: "a" }`, used by mock behaviours) becomes its canonical
 * JSON text (sorted keys); numbers and booleans as keys become their text. Aliases can make the
 * value deeper than its source text, so the depth is checked again here.
 */
export function yamlValueToJson(value: unknown, depth = 0): unknown {
  if (value instanceof Map) {
    if (depth >= MAX_DOCUMENT_DEPTH) throw documentTooDeep();
    const out: Record<string, unknown> = {};
    for (const [key, item] of value) {
      const name =
        typeof key === 'string'
          ? key
          : typeof key === 'object' && key !== null
            ? canonicalJson(yamlValueToJson(key, depth + 1))
            : String(key);
      Object.defineProperty(out, name, {
        value: yamlValueToJson(item, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  if (Array.isArray(value)) {
    if (depth >= MAX_DOCUMENT_DEPTH) throw documentTooDeep();
    return value.map((item) => yamlValueToJson(item, depth + 1));
  }
  return value;
}
