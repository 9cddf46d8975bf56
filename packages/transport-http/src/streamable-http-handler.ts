import { randomUUID } from 'node:crypto';
import type {
  JsonRpcId,
  JsonRpcMessage,
  Transport,
  TransportCloseInfo,
  TransportSendOptions,
} from '@stepflow/jsonrpc';
import { INSTANCE_ID_HEADER, SESSION_ID_HEADER } from './http-headers.ts';
import { HttpTransportError } from './http-transport-error.ts';
import { EXCHANGE_HANDLER } from './internal/http-exchange.ts';
import type {
  HttpExchangeHandler,
  IncomingHttp,
  OutgoingHttp,
  SseSink,
} from './internal/http-exchange.ts';
import { messageKind } from './internal/message-kind.ts';
import { RequestIdMap } from './internal/request-id-map.ts';
import { fromRequest, toResponse } from './internal/web-exchange.ts';
import { createRequestGuard } from './request-guard.ts';
import type { RequestGuard, RequestRefusal } from './request-guard.ts';

/** The instance id of this process, shared by every handler that is not given one. */
const PROCESS_INSTANCE_ID = randomUUID();

/** Options of {@link createStreamableHttpHandler}. */
export interface StreamableHttpHandlerOptions {
  /** The `Stepflow-Instance-Id` of this server (default: one random id per process). */
  readonly instanceId?: string;
  /** The `service` reported by `GET /health` (default `'stepflow-component-server'`). */
  readonly service?: string;
  /** The path JSON-RPC messages are POSTed to (default `'/'`, as the reference serves). */
  readonly path?: string;
  /** The health check path (default `'/health'`). */
  readonly healthPath?: string;
  /**
   * Host names (from the `Host` header; ports ignored) the server answers to; other hosts get
   * 403 (DNS-rebinding protection). Default: `localhost`, `127.0.0.1`, `::1`.
   */
  readonly allowedHosts?: readonly string[] | 'any';
  /** Browser origins allowed to call (`'http://app.example:3000'`); default none (403 on any `Origin`). */
  readonly allowedOrigins?: readonly string[] | 'any';
  /** When set, POSTs must carry `Authorization: Bearer <token>` (else 401). */
  readonly token?: string;
  /** Largest request body accepted, in bytes (default 16 MiB; larger → 413). */
  readonly maxBodyBytes?: number;
  /**
   * Enables sessions (our extension): `initialize` opens a session whose id is returned in the
   * `Stepflow-Session-Id` header; every other POST must carry a known session id (missing → 400,
   * unknown or idle longer than `idleTimeoutMs` → 404).
   */
  readonly sessions?: boolean | { readonly idleTimeoutMs?: number };
  /** The clock used for health timestamps and session expiry (default `Date.now`). */
  readonly now?: () => number;
}

/**
 * A web-standard request handler for the server side of streamable HTTP, together with the
 * {@link Transport} it presents to the JSON-RPC peer.
 */
export type StreamableHttpHandler = ((request: Request) => Promise<Response>) & {
  /** The transport to connect the server's JSON-RPC peer to. */
  readonly transport: Transport;
  /** The `Stepflow-Instance-Id` this handler reports. */
  readonly instanceId: string;
};

/**
 * Creates the server (component) side of the streamable HTTP transport, written against web
 * `Request`/`Response`.
 *
 * A POSTed request is delivered to the peer; what the peer then sends with `relatedRequestId`
 * equal to that request's id becomes that request's HTTP response: the final response alone
 * comes back as plain JSON, while a callback (or notification) sent first switches the response
 * to an SSE stream that carries the callbacks and then the final response. POSTed responses and
 * notifications are delivered and answered 202. Request ids are kept unless they collide with one
 * still open (several runtimes may share a server), in which case the peer sees a fresh id.
 */
export function createStreamableHttpHandler(
  options: StreamableHttpHandlerOptions = {},
): StreamableHttpHandler {
  const server = new StreamableHttpServer(options);
  const core: HttpExchangeHandler = (incoming) => server.handle(incoming);
  const handler = async (request: Request): Promise<Response> =>
    toResponse(await core(fromRequest(request)));
  return Object.assign(handler, {
    transport: server.transport,
    instanceId: server.instanceId,
    [EXCHANGE_HANDLER]: core,
  });
}

interface Exchange {
  mode: 'pending' | 'stream' | 'gone';
  readonly session: string | undefined;
  resolve: (response: OutgoingHttp) => void;
  /** The SSE sink once the adapter attached it; events written before wait in `backlog`. */
  sink?: SseSink;
  backlog?: string[];
  ended?: boolean;
}

class StreamableHttpServer {
  readonly instanceId: string;
  readonly transport: Transport;
  readonly #service: string;
  readonly #path: string;
  readonly #healthPath: string;
  readonly #guard: RequestGuard;
  readonly #maxBodyBytes: number;
  readonly #sessions: { readonly idleTimeoutMs: number } | undefined;
  readonly #sessionSeen = new Map<string, number>();
  readonly #now: () => number;
  readonly #exchanges = new RequestIdMap<Exchange>();
  #state: 'new' | 'started' | 'closed' = 'new';
  #onmessage?: (message: unknown) => void;
  #onclose?: (info: TransportCloseInfo) => void;
  #onerror?: (error: Error) => void;

  constructor(options: StreamableHttpHandlerOptions) {
    this.instanceId = options.instanceId ?? PROCESS_INSTANCE_ID;
    this.#service = options.service ?? 'stepflow-component-server';
    this.#path = options.path ?? '/';
    this.#healthPath = options.healthPath ?? '/health';
    this.#guard = createRequestGuard(options);
    this.#maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
    this.#sessions =
      options.sessions === undefined || options.sessions === false
        ? undefined
        : {
            idleTimeoutMs:
              (options.sessions === true ? undefined : options.sessions.idleTimeoutMs) ?? 0,
          };
    this.#now = options.now ?? Date.now;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the transport object forwards to this server
    const self = this;
    this.transport = {
      start: async () => {
        if (self.#state === 'new') self.#state = 'started';
      },
      send: (message, sendOptions) => self.#send(message, sendOptions),
      close: async () => self.#close(),
      get onmessage() {
        return self.#onmessage;
      },
      set onmessage(value) {
        self.#onmessage = value;
      },
      get onerror() {
        return self.#onerror;
      },
      set onerror(value) {
        self.#onerror = value;
      },
      get onclose() {
        return self.#onclose;
      },
      set onclose(value) {
        self.#onclose = value;
      },
    };
  }

  async handle(request: IncomingHttp): Promise<OutgoingHttp> {
    const foreign =
      this.#guard.checkHost(request.header('host')) ??
      this.#guard.checkOrigin(request.header('origin'));
    if (foreign !== undefined) return this.#refuse(foreign);
    const path = request.path;
    if (request.method === 'GET' && path === this.#healthPath) {
      return {
        status: 200,
        headers: { 'content-type': 'application/json', [INSTANCE_ID_HEADER]: this.instanceId },
        body: JSON.stringify({
          status: 'healthy',
          instanceId: this.instanceId,
          timestamp: new Date(this.#now()).toISOString(),
          service: this.#service,
        }),
      };
    }
    if (path !== this.#path)
      return this.#error(404, null, -32600, `Not found: ${request.method} ${path}`);
    if (request.method === 'DELETE' && this.#sessions !== undefined)
      return this.#endSession(request);
    if (request.method !== 'POST') {
      return this.#error(405, null, -32600, `Method not allowed: ${request.method} ${path}`, {
        allow: 'POST',
      });
    }
    const unauthorized = this.#guard.checkToken(request.header('authorization'));
    if (unauthorized !== undefined) return this.#refuse(unauthorized);
    const contentType = request.header('content-type') ?? '';
    if (!/^application\/json\s*(;|$)/i.test(contentType.trim())) {
      return this.#error(
        415,
        null,
        -32600,
        `Unsupported Media Type: Content-Type must be application/json, got '${contentType}'`,
      );
    }
    if (!acceptsBoth(request.header('accept') ?? '')) {
      return this.#error(
        406,
        null,
        -32600,
        'Not Acceptable: Accept must include application/json and text/event-stream',
      );
    }
    if (this.#state !== 'started') {
      return this.#error(
        503,
        null,
        -32603,
        this.#state === 'new' ? 'Server is not started' : 'Server is shutting down',
      );
    }
    let text: string;
    try {
      text = await request.readBody(this.#maxBodyBytes);
    } catch (error) {
      if (error instanceof RangeError)
        return this.#error(413, null, -32600, `Payload Too Large: ${error.message}`);
      return this.#error(
        400,
        null,
        -32700,
        `Parse error: cannot read the request body: ${String(error)}`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      this.#onerror?.(new Error(`rejected a POST whose body is not JSON: ${text.slice(0, 200)}`));
      return this.#error(400, null, -32700, `Parse error: ${(error as Error).message}`);
    }
    const shape = messageKind(parsed);
    if (shape.kind === 'invalid') {
      this.#onerror?.(
        new Error(`rejected a POST that is not a JSON-RPC 2.0 message: ${text.slice(0, 200)}`),
      );
      return this.#error(
        400,
        null,
        -32600,
        'Invalid Request: the body is not a JSON-RPC 2.0 message (batches are not supported)',
      );
    }
    const session = this.#checkSession(
      request,
      shape.kind === 'request' ? shape.method : undefined,
    );
    if ('status' in session) return session;
    if (shape.kind !== 'request') {
      const instance = request.header(INSTANCE_ID_HEADER);
      if (shape.kind === 'response' && instance !== null && instance !== this.instanceId) {
        return this.#error(
          404,
          shape.id,
          -32600,
          `Response for instance '${instance}' was posted to instance '${this.instanceId}'`,
        );
      }
      this.#onmessage?.(parsed);
      return { status: 202, headers: this.#headers(session.id) };
    }
    return new Promise<OutgoingHttp>((resolve) => {
      const exchange: Exchange = { mode: 'pending', session: session.id, resolve };
      const localId = this.#exchanges.admit(shape.id, exchange);
      request.onClientGone(() => this.#abandon(localId, exchange));
      this.#onmessage?.(localId === shape.id ? parsed : { ...(parsed as object), id: localId });
    });
  }

  async #send(message: JsonRpcMessage, options: TransportSendOptions | undefined): Promise<void> {
    if (this.#state === 'closed')
      throw new HttpTransportError('closed', 'HTTP server transport is closed');
    const shape = messageKind(message);
    if (shape.kind === 'response') {
      const entry = shape.id === null ? undefined : this.#exchanges.release(shape.id);
      if (entry === undefined) {
        throw new HttpTransportError(
          'unknown-request',
          `no open HTTP request with id ${String(shape.id)} to answer`,
        );
      }
      const outgoing = { ...message, id: entry.originalId };
      const exchange = entry.meta;
      if (exchange.mode === 'pending') {
        exchange.mode = 'gone';
        exchange.resolve({
          status: statusOf(outgoing),
          headers: { 'content-type': 'application/json', ...this.#headers(exchange.session) },
          body: JSON.stringify(outgoing),
        });
      } else if (exchange.mode === 'stream') {
        exchange.mode = 'gone';
        enqueue(exchange, outgoing);
        endStream(exchange);
      }
      return;
    }
    if (shape.kind === 'invalid')
      throw new TypeError('HTTP server transport can only send JSON-RPC 2.0 messages');
    const related = options?.relatedRequestId;
    const exchange = related === undefined ? undefined : this.#exchanges.get(related)?.meta;
    if (exchange === undefined || exchange.mode === 'gone') {
      if (shape.kind === 'notification') return;
      throw new HttpTransportError(
        'no-channel',
        related === undefined
          ? `cannot send request '${shape.method}': a streamable HTTP server can only call back while answering a request (relatedRequestId)`
          : `cannot send request '${shape.method}': HTTP request ${String(related)} is no longer open`,
      );
    }
    if (exchange.mode === 'pending') this.#openStream(exchange);
    enqueue(exchange, message);
  }

  #openStream(exchange: Exchange): void {
    exchange.mode = 'stream';
    exchange.backlog = [];
    exchange.resolve({
      status: 200,
      headers: {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        ...this.#headers(exchange.session),
      },
      stream: (sink) => {
        // Events sent before the adapter attached the sink go out first, in order.
        for (const text of exchange.backlog ?? []) sink.write(text);
        exchange.backlog = undefined;
        exchange.sink = sink;
        if (exchange.ended === true) sink.end();
      },
    });
  }

  #abandon(localId: JsonRpcId, exchange: Exchange): void {
    if (exchange.mode === 'gone') return;
    // The client went away: later messages for this request have nowhere to go.
    exchange.mode = 'gone';
    this.#onerror?.(
      new Error(`the client of HTTP request ${String(localId)} disconnected before its response`),
    );
  }

  #checkSession(
    request: IncomingHttp,
    method: string | undefined,
  ): { readonly id: string | undefined } | OutgoingHttp {
    if (this.#sessions === undefined) return { id: undefined };
    const sent = request.header(SESSION_ID_HEADER);
    if (sent === null) {
      if (method === 'initialize') {
        this.#forgetIdleSessions();
        const id = randomUUID();
        this.#sessionSeen.set(id, this.#now());
        return { id };
      }
      return this.#error(
        400,
        null,
        -32600,
        `Bad Request: missing ${SESSION_ID_HEADER} header (send 'initialize' first)`,
      );
    }
    const seen = this.#sessionSeen.get(sent);
    const idle = this.#sessions.idleTimeoutMs;
    if (seen === undefined || (idle > 0 && this.#now() - seen > idle)) {
      this.#sessionSeen.delete(sent);
      return this.#error(
        404,
        null,
        -32600,
        `Session '${sent}' is unknown or expired; send 'initialize' to open a new one`,
      );
    }
    this.#sessionSeen.set(sent, this.#now());
    return { id: sent };
  }

  /** Drops sessions idle past the timeout, so abandoned ones do not pile up. */
  #forgetIdleSessions(): void {
    const idle = this.#sessions?.idleTimeoutMs ?? 0;
    if (idle <= 0) return;
    const now = this.#now();
    for (const [id, seen] of this.#sessionSeen) {
      if (now - seen > idle) this.#sessionSeen.delete(id);
    }
  }

  #endSession(request: IncomingHttp): OutgoingHttp {
    const sent = request.header(SESSION_ID_HEADER);
    if (sent === null || !this.#sessionSeen.delete(sent)) {
      return this.#error(404, null, -32600, `Session '${sent ?? ''}' is unknown or expired`);
    }
    return { status: 204, headers: this.#headers(undefined) };
  }

  #close(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    for (const [, entry] of this.#exchanges.entries()) {
      const exchange = entry.meta;
      const failure = {
        jsonrpc: '2.0',
        id: entry.originalId,
        error: { code: -32603, message: 'Server is shutting down' },
      } as const;
      if (exchange.mode === 'pending') {
        exchange.resolve(this.#error(503, entry.originalId, -32603, 'Server is shutting down'));
      } else if (exchange.mode === 'stream') {
        enqueue(exchange, failure);
        endStream(exchange);
      }
      exchange.mode = 'gone';
    }
    this.#exchanges.clear();
    this.#onclose?.({});
  }

  #headers(session: string | undefined): Record<string, string> {
    const headers: Record<string, string> = { [INSTANCE_ID_HEADER]: this.instanceId };
    if (session !== undefined) headers[SESSION_ID_HEADER] = session;
    return headers;
  }

  #refuse(refusal: RequestRefusal): OutgoingHttp {
    return this.#error(refusal.status, null, -32600, refusal.message, refusal.headers);
  }

  #error(
    status: number,
    id: JsonRpcId | null,
    code: number,
    message: string,
    headers: Readonly<Record<string, string>> = {},
  ): OutgoingHttp {
    return {
      status,
      headers: {
        'content-type': 'application/json',
        [INSTANCE_ID_HEADER]: this.instanceId,
        ...headers,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } }),
    };
  }
}

function enqueue(exchange: Exchange, message: unknown): void {
  const text = `data: ${JSON.stringify(message)}\n\n`;
  if (exchange.sink !== undefined) exchange.sink.write(text);
  else exchange.backlog?.push(text);
}

function endStream(exchange: Exchange): void {
  if (exchange.sink !== undefined) exchange.sink.end();
  else exchange.ended = true;
}

/** The HTTP status the reference gives a final response: 200, 500 for internal errors, else 400. */
function statusOf(message: Record<string, unknown>): number {
  const error = message['error'] as { code?: unknown } | undefined;
  if (error === undefined) return 200;
  return error.code === -32603 ? 500 : 400;
}

function acceptsBoth(accept: string): boolean {
  const ranges = accept.split(',').map((part) => (part.split(';')[0] ?? '').trim().toLowerCase());
  const json = ranges.some((r) => r === 'application/json' || r === 'application/*' || r === '*/*');
  const sse = ranges.some((r) => r === 'text/event-stream' || r === 'text/*' || r === '*/*');
  return json && sse;
}
