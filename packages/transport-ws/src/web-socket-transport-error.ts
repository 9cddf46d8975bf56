/** What went wrong in a WebSocket transport, as a stable string code. */
export type WebSocketTransportErrorCode =
  | 'closed'
  | 'unreachable'
  | 'rejected'
  | 'connection-lost'
  | 'message-too-large'
  | 'keep-alive-timeout';

const marker = Symbol.for('@stepflow/transport-ws/WebSocketTransportError');

/**
 * A local failure of the WebSocket transport (never serialised as such; a request lost with its
 * connection is answered by an error response whose `data.kind` carries the same code).
 */
export class WebSocketTransportError extends Error {
  override readonly name = 'WebSocketTransportError';
  /** The stable code of the failure. */
  readonly code: WebSocketTransportErrorCode;
  /** The HTTP status of a refused upgrade (`rejected`), e.g. 401 without a valid token. */
  readonly status?: number;
  readonly [marker] = true;

  constructor(
    code: WebSocketTransportErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options);
    this.code = code;
    if (options?.status !== undefined) this.status = options.status;
  }

  /** Whether `value` is an `WebSocketTransportError` (also across copies of this package). */
  static isInstance(value: unknown): value is WebSocketTransportError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[marker] === true
    );
  }
}
