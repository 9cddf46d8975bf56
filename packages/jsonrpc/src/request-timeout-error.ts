import type { JsonRpcId } from './message.ts';

const MARKER = Symbol.for('@stepflow/jsonrpc/RequestTimeoutError');

/**
 * A request got no response within its `timeoutMs`. The request is abandoned locally (the
 * protocol has no cancel message); a late response is dropped quietly.
 *
 * Local error: never serialised onto the wire.
 */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
  /** Stable, readable error code. */
  readonly code = 'request-timeout';
  /** The method that timed out. */
  readonly method: string;
  /** The id the request was sent with. */
  readonly requestId: JsonRpcId;
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;
  private readonly [MARKER] = true;

  constructor(method: string, requestId: JsonRpcId, timeoutMs: number) {
    super(`Request ${String(requestId)} "${method}" timed out after ${timeoutMs} ms`);
    this.method = method;
    this.requestId = requestId;
    this.timeoutMs = timeoutMs;
  }

  /** Whether `error` is a `RequestTimeoutError`, also across duplicate copies of this package. */
  static isInstance(error: unknown): error is RequestTimeoutError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}
