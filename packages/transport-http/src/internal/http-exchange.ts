/**
 * The minimal HTTP surface the streamable HTTP server logic needs, so that it can run on web
 * `Request`/`Response` and, without their overhead, directly on `node:http`.
 */
export interface IncomingHttp {
  readonly method: string;
  /** The path without query string. */
  readonly path: string;
  /** A request header (name case-insensitive), or null. */
  header(name: string): string | null;
  /** Reads the whole body as UTF-8; rejects with a `RangeError` when it exceeds `maxBytes`. */
  readBody(maxBytes: number): Promise<string>;
  /** Registers a listener told when the client disconnects before the response is complete. */
  onClientGone(listener: () => void): void;
}

/** Where the events of an SSE response are written. */
export interface SseSink {
  write(text: string): void;
  end(): void;
}

/** A response: a complete body, or an SSE stream the adapter attaches a sink to. */
export interface OutgoingHttp {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** For SSE responses: called once by the adapter with the sink to write events to. */
  readonly stream?: (sink: SseSink) => void;
}

/** Serves one request. */
export type HttpExchangeHandler = (incoming: IncomingHttp) => Promise<OutgoingHttp>;

/** The key under which a handler made by this package carries its transport-neutral core. */
export const EXCHANGE_HANDLER = Symbol.for('@stepflow/transport-http/exchange-handler');

/** The path part of a request target or absolute URL. */
export function pathOf(url: string): string {
  let start = 0;
  const scheme = url.indexOf('://');
  if (scheme !== -1) {
    const slash = url.indexOf('/', scheme + 3);
    if (slash === -1) return '/';
    start = slash;
  }
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 63 /* ? */ || c === 35 /* # */) {
      end = i;
      break;
    }
  }
  const path = url.slice(start, end);
  return path === '' ? '/' : path;
}
