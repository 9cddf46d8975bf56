import { hasErrorMarker, markError } from '../errors/error-marker.ts';

const NAME = 'RefusedAppendsError';

/**
 * Some runs of a group commit were refused (their lease was taken, someone else wrote to them)
 * while the others' events were written: the group commit fails only the refused runs' writers.
 */
export class RefusedAppendsError extends Error {
  override readonly name = NAME;

  /** @param refused why each refused run's append failed, by run id. */
  constructor(readonly refused: ReadonlyMap<string, unknown>) {
    super(`journal appends refused for runs ${[...refused.keys()].join(', ')}`);
    markError(this, NAME);
  }

  /** Whether `value` is a `RefusedAppendsError` (works across package copies). */
  static isInstance(value: unknown): value is RefusedAppendsError {
    return hasErrorMarker(value, NAME);
  }
}
