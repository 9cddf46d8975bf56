import { hasErrorMarker, markError } from './error-marker.ts';

const NAME = 'RuntimeServiceError';

/**
 * Thrown by a `RuntimeServices` method; carries the JSON-RPC error code a component server should
 * receive for it (STEPFLOW.md §6.6: -32000 generic, -32011 not found, -32012 invalid value).
 */
export class RuntimeServiceError extends Error {
  override readonly name = NAME;
  /** JSON-RPC error code to answer with. */
  readonly code: number;
  /** Optional structured detail. */
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.data = data;
    markError(this, NAME);
  }

  /** Whether `value` is a `RuntimeServiceError` (works across package copies). */
  static isInstance(value: unknown): value is RuntimeServiceError {
    return hasErrorMarker(value, NAME);
  }
}
