import { hasErrorMarker, markError } from './error-marker.ts';

const NAME = 'RunConflictError';

/** A run id was reused for a different flow than the one the journal recorded under it. */
export class RunConflictError extends Error {
  override readonly name = NAME;

  constructor(
    readonly runId: string,
    reason: string,
  ) {
    super(`run ${runId} cannot be resumed: ${reason}`);
    markError(this, NAME);
  }

  /** Whether `value` is a `RunConflictError` (works across package copies). */
  static isInstance(value: unknown): value is RunConflictError {
    return hasErrorMarker(value, NAME);
  }
}
