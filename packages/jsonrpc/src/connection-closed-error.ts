const MARKER = Symbol.for('@stepflow/jsonrpc/ConnectionClosedError');

/**
 * A request could not complete because the connection closed: locally by `close()`, or because
 * the transport died (a child process exited, a socket dropped). `cause` carries why, when known.
 *
 * Local error: never serialised onto the wire.
 */
export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError';
  /** Stable, readable error code. */
  readonly code = 'connection-closed';
  /** The method of the request that was pending, when the error belongs to one. */
  readonly method: string | undefined;
  private readonly [MARKER] = true;

  constructor(message: string, options?: { cause?: unknown; method?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.method = options?.method;
  }

  /** Whether `error` is a `ConnectionClosedError`, also across duplicate copies of this package. */
  static isInstance(error: unknown): error is ConnectionClosedError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}
