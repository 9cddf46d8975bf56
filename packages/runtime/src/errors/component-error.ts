import { hasErrorMarker, markError } from './error-marker.ts';

const NAME = 'ComponentError';

/**
 * Thrown by a plugin's `execute` for a step failure the component reports (a JSON-RPC error from a
 * component server, a builtin's invalid input, …). It becomes the step's failure `{code, message,
 * data}` and is subject to the step's `onError`.
 */
export class ComponentError extends Error {
  override readonly name = NAME;
  /** Numeric error code (a JSON-RPC code or a user code). */
  readonly code: number;
  /** Optional structured detail. */
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.data = data;
    markError(this, NAME);
  }

  /** Whether `value` is a `ComponentError` (works across package copies). */
  static isInstance(value: unknown): value is ComponentError {
    return hasErrorMarker(value, NAME);
  }
}
