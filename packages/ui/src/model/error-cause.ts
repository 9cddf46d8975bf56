/** Deepest `cause` followed: error data is untrusted and may nest without end. */
const MAX_CAUSES = 16;

/**
 * The innermost message of an error whose `data.cause` chain says why (a run failing because a
 * step failed because its component threw): what a reader wants first. `undefined` when the
 * error has no cause.
 */
export function rootCauseOf(error: unknown): string | undefined {
  let found: string | undefined;
  let current = error;
  for (let depth = 0; depth < MAX_CAUSES; depth++) {
    const cause = recordOf(recordOf(current)?.data)?.cause;
    const message = recordOf(cause)?.message;
    if (typeof message !== 'string') break;
    found = message;
    current = cause;
  }
  return found;
}

function recordOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)
    : undefined;
}
