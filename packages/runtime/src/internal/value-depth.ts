/**
 * Deepest nesting of arrays and objects the engine accepts in a flow input, a step output or a
 * blob. JSON serialisation, schema validation and YAML output all recurse, so a value nested
 * thousands of levels deep would otherwise overflow the stack.
 */
export const MAX_VALUE_DEPTH = 256;

/**
 * Whether `value` nests arrays and objects more than `limit` levels deep (`[]` is one level).
 * Safe on any value: the recursion stops at `limit`, so it never goes deeper than that however
 * deep the value is, and allocates nothing (it runs on every step output). A cycle counts as
 * too deep.
 */
export function exceedsValueDepth(value: unknown, limit: number = MAX_VALUE_DEPTH): boolean {
  return typeof value === 'object' && value !== null && deeper(value, limit);
}

/** Whether `value` (an array or object) needs more than `remaining` levels. */
function deeper(value: object, remaining: number): boolean {
  if (remaining === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const child: unknown = value[i];
      if (typeof child === 'object' && child !== null && deeper(child, remaining - 1)) return true;
    }
    return false;
  }
  for (const key in value) {
    const child: unknown = (value as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null && deeper(child, remaining - 1)) return true;
  }
  return false;
}
