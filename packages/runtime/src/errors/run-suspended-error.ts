import { hasErrorMarker, markError } from './error-marker.ts';

const NAME = 'RunSuspendedError';

/**
 * Why a run stopped when its runtime shut down (not a cancellation): a durable run is left
 * `running` in its journal, so a later process resumes it.
 */
export class RunSuspendedError extends Error {
  override readonly name = NAME;

  constructor(message = 'the runtime was closed') {
    super(message);
    markError(this, NAME);
  }

  /** Whether `value` is a `RunSuspendedError` (works across package copies). */
  static isInstance(value: unknown): value is RunSuspendedError {
    return hasErrorMarker(value, NAME);
  }
}
