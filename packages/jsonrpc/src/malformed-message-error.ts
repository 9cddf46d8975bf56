const MARKER = Symbol.for('@stepflow/jsonrpc/MalformedMessageError');

/**
 * The other side sent something the peer cannot use: a value that is not a JSON-RPC 2.0
 * envelope, or a response to an id that is not pending. Reported to the peer's `onError` hook;
 * the connection stays up.
 *
 * Local error: never serialised onto the wire.
 */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
  /** Stable, readable error code. */
  readonly code = 'malformed-message';
  /** The offending message as received (already parsed from JSON). */
  readonly received: unknown;
  private readonly [MARKER] = true;

  constructor(message: string, received: unknown) {
    super(message);
    this.received = received;
  }

  /** Whether `error` is a `MalformedMessageError`, also across duplicate copies of this package. */
  static isInstance(error: unknown): error is MalformedMessageError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}
