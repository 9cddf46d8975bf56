import { CodedError } from './coded-error.ts';
import { hasErrorMarker } from './error-marker.ts';

const NAME = 'RuntimeServiceError';

/**
 * Thrown by a `RuntimeServices` method; carries the JSON-RPC error code a component server should
 * receive for it (STEPFLOW.md §6.6: -32000 generic, -32011 not found, -32012 invalid value).
 */
export class RuntimeServiceError extends CodedError {
  constructor(code: number, message: string, data?: unknown, options: { cause?: unknown } = {}) {
    super(NAME, code, message, data, options);
  }

  /** Whether `value` is a `RuntimeServiceError` (works across package copies). */
  static isInstance(value: unknown): value is RuntimeServiceError {
    return hasErrorMarker(value, NAME);
  }
}
