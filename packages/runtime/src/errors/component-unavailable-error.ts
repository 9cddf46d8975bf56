import { hasErrorMarker, markError } from './error-marker.ts';

const NAME = 'ComponentUnavailableError';

/**
 * Thrown by a plugin's `execute` when the component could not be reached or crashed mid-request.
 * The engine retries with `attempt + 1` up to the transport budget (3 attempts), then fails the step.
 */
export class ComponentUnavailableError extends Error {
  override readonly name = NAME;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    markError(this, NAME);
  }

  /** Whether `value` is a `ComponentUnavailableError` (works across package copies). */
  static isInstance(value: unknown): value is ComponentUnavailableError {
    return hasErrorMarker(value, NAME);
  }
}
