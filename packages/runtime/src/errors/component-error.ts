import { CodedError } from './coded-error.ts';
import { hasErrorMarker } from './error-marker.ts';

const NAME = 'ComponentError';

/**
 * Thrown by a plugin's `execute` for a step failure the component reports (a JSON-RPC error from a
 * component server, a builtin's invalid input, …). It becomes the step's failure `{code, message,
 * data}` and is subject to the step's `onError`.
 */
export class ComponentError extends CodedError {
  constructor(code: number, message: string, data?: unknown, options: { cause?: unknown } = {}) {
    super(NAME, code, message, data, options);
  }

  /** Whether `value` is a `ComponentError` (works across package copies). */
  static isInstance(value: unknown): value is ComponentError {
    return hasErrorMarker(value, NAME);
  }
}
