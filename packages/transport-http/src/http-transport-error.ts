/** What went wrong in an HTTP transport, as a stable string code. */
export type HttpTransportErrorCode =
  | 'closed'
  | 'unreachable'
  | 'connection-lost'
  | 'timeout'
  | 'unexpected-status'
  | 'invalid-response'
  | 'response-too-large'
  | 'stream-ended'
  | 'session-expired'
  | 'no-channel'
  | 'unknown-request';

const marker = Symbol.for('@stepflow/transport-http/HttpTransportError');

/**
 * A local failure of the HTTP transport (never serialised as such; a request that fails this way
 * is answered by an error response whose `data.kind` carries the same code).
 */
export class HttpTransportError extends Error {
  override readonly name = 'HttpTransportError';
  /** The stable code of the failure. */
  readonly code: HttpTransportErrorCode;
  readonly [marker] = true;

  constructor(code: HttpTransportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** Whether `value` is an `HttpTransportError` (also across copies of this package). */
  static isInstance(value: unknown): value is HttpTransportError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[marker] === true
    );
  }
}
