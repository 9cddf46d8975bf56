import type { JsonRpcId } from './message.ts';

const MARKER = Symbol.for('@stepflow/jsonrpc/RequestCancelledError');

/**
 * A request was abandoned because its `AbortSignal` fired. `cause` is the signal's reason.
 * Nothing is sent to the other side (the protocol has no cancel message); a late response is
 * dropped quietly.
 *
 * Local error: never serialised onto the wire.
 */
export class RequestCancelledError extends Error {
  override readonly name = 'RequestCancelledError';
  /** Stable, readable error code. */
  readonly code = 'request-cancelled';
  /** The method that was cancelled. */
  readonly method: string;
  /** The id the request was sent with, or `undefined` when it was aborted before being sent. */
  readonly requestId: JsonRpcId | undefined;
  private readonly [MARKER] = true;

  constructor(method: string, requestId: JsonRpcId | undefined, reason: unknown) {
    super(
      requestId === undefined
        ? `Request "${method}" was aborted before it was sent`
        : `Request ${String(requestId)} "${method}" was aborted`,
      { cause: reason },
    );
    this.method = method;
    this.requestId = requestId;
  }

  /** Whether `error` is a `RequestCancelledError`, also across duplicate copies of this package. */
  static isInstance(error: unknown): error is RequestCancelledError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}
