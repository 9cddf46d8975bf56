/** Deadlines of an HTTP server for receiving a request, so a slow client cannot hold a socket. */
export interface HttpServerTimeouts {
  /**
   * Time allowed to receive a whole request, headers and body (default 60 000 ms). A client
   * still sending when it passes is answered 408 and disconnected; the response, however long
   * it streams, is not limited.
   */
  readonly requestTimeoutMs?: number;
  /** Time allowed to receive the request headers (default 10 000 ms, at most `requestTimeoutMs`). */
  readonly headersTimeoutMs?: number;
}

/** The `node:http` server options that enforce {@link HttpServerTimeouts}. */
export interface NodeHttpTimeoutOptions {
  readonly requestTimeout: number;
  readonly headersTimeout: number;
  readonly connectionsCheckingInterval: number;
}

/**
 * Resolves {@link HttpServerTimeouts} into `node:http` `createServer` options. Node checks the
 * deadlines only every `connectionsCheckingInterval` (30 s by default, longer than a short
 * deadline), so the interval is scaled to a quarter of the shorter deadline.
 *
 * @throws RangeError when a deadline is not a positive integer.
 */
export function nodeHttpTimeouts(timeouts: HttpServerTimeouts = {}): NodeHttpTimeoutOptions {
  const requestTimeout = positive(timeouts.requestTimeoutMs, 'requestTimeoutMs', 60_000);
  const headersTimeout = Math.min(
    positive(timeouts.headersTimeoutMs, 'headersTimeoutMs', 10_000),
    requestTimeout,
  );
  return {
    requestTimeout,
    headersTimeout,
    connectionsCheckingInterval: Math.min(30_000, Math.max(10, Math.floor(headersTimeout / 4))),
  };
}

function positive(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
