/** What every string `run_id` becomes before comparison (REF's mask). */
export const MASKED_RUN_ID = '00000000-0000-0000-0000-000000000000';

/**
 * REF normalisation of a FlowResult for comparison: object keys sorted recursively, every
 * string-valued `run_id` masked, every `backtrace` key dropped.
 */
export function normalizeResult(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeResult);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    if (key === 'backtrace') continue;
    const child = record[key];
    sorted[key] =
      key === 'run_id' && typeof child === 'string' ? MASKED_RUN_ID : normalizeResult(child);
  }
  return sorted;
}

/**
 * Drops `error.data` from `actual` wherever `expected` has a failed result without `data`
 * (DECISIONS item 20: implementation-specific detail is compared only when asked for). Applied
 * at the top level and inside nested results at the same positions.
 */
export function pruneUnexpectedErrorData(expected: unknown, actual: unknown): unknown {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return actual.map((item, index) => pruneUnexpectedErrorData(expected[index], item));
  }
  if (!isRecord(expected) || !isRecord(actual)) return actual;
  const pruned: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(actual)) {
    pruned[key] = key in expected ? pruneUnexpectedErrorData(expected[key], child) : child;
  }
  const expectedError = expected.error;
  const actualError = pruned.error;
  if (
    expected.outcome === 'failed' &&
    actual.outcome === 'failed' &&
    isRecord(expectedError) &&
    isRecord(actualError) &&
    !('data' in expectedError)
  ) {
    const { data: _ignored, ...rest } = actualError;
    pruned.error = rest;
  }
  return pruned;
}

/**
 * Whether two JSON values are equal, numbers compared by value (`10` equals `10.0`, and `0`
 * equals `-0`), objects regardless of key order.
 */
export function jsonEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left === 'number' && typeof right === 'number') return left === right;
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) return false;
    return left.every((item, index) => jsonEqual(item, right[index]));
  }
  if (!isRecord(left) || !isRecord(right)) return false;
  const leftKeys = Object.keys(left);
  if (leftKeys.length !== Object.keys(right).length) return false;
  return leftKeys.every((key) => key in right && jsonEqual(left[key], right[key]));
}

/**
 * Compares an expected FlowResult with an actual one the way `stepflow test` does; `strict`
 * (REF's exactness) also compares `error.data` the expectation leaves out.
 */
export function resultsMatch(expected: unknown, actual: unknown, strict = false): boolean {
  return jsonEqual(
    normalizeResult(expected),
    normalizeResult(strict ? actual : pruneUnexpectedErrorData(expected, actual)),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
