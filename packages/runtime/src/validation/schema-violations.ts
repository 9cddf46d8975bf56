import type { ErrorObject } from 'ajv';
import type { InputViolation } from '../errors/input-validation-error.ts';

/** Most violations kept in the data of an output failure (its message lists fewer). */
export const MAX_KEPT_VIOLATIONS = 100;
/** Most violations spelled out in a one-line message. */
const MAX_LISTED = 10;

/**
 * ajv's errors as `{path, message}` violations; `limit` keeps the first ones only (an output
 * array can fail in every item).
 */
export function schemaViolations(
  errors: readonly ErrorObject[] | null | undefined,
  limit = Number.POSITIVE_INFINITY,
): InputViolation[] {
  return (errors ?? []).slice(0, limit).map((error) => ({
    path: error.instancePath,
    message:
      error.message === undefined
        ? error.keyword
        : `${error.message}${error.keyword === 'additionalProperties' ? ` ('${String((error.params as { additionalProperty?: unknown }).additionalProperty)}')` : ''}`,
  }));
}

/** Violations on one line, e.g. `/name must be string; (output) must have required property 'x'`. */
export function formatViolations(violations: readonly InputViolation[], root: string): string {
  const listed = violations
    .slice(0, MAX_LISTED)
    .map((v) => `${v.path === '' ? root : v.path} ${v.message}`);
  const more = violations.length - listed.length;
  return more > 0 ? `${listed.join('; ')}; and ${more} more` : listed.join('; ');
}
