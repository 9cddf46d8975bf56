import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { nodeHttpTimeouts, type HttpServerTimeouts } from './http-server-timeouts.ts';
import { EXCHANGE_HANDLER, pathOf } from './internal/http-exchange.ts';
import type { HttpExchangeHandler, IncomingHttp, OutgoingHttp } from './internal/http-exchange.ts';

/** A web-standard request handler, such as the one {@link createStreamableHttpHandler} returns. */
export type WebRequestHandler = (request: Request) => Promise<Response>;

/** Options of {@link listenHttp}. */
export interface ListenHttpOptions extends HttpServerTimeouts {
  /** The address to bind (default `'127.0.0.1'`: loopback only). */
  readonly host?: string;
  /** The port (default 0: a free port chosen by the system). */
  readonly port?: number;
}

/** A listening HTTP server. */
export interface HttpListener {
  /** The base URL clients use (`http://127.0.0.1:<port>/`). */
  readonly url: string;
  /** The bound address. */
  readonly host: string;
  /** The bound port. */
  readonly port: number;
  /** The underlying `node:http` server. */
  readonly server: Server;
  /** Stops listening and drops every open connection (open SSE streams included). */
  close(): Promise<void>;
}

/**
 * Creates a `node:http` server that serves a web-standard handler: each `IncomingMessage`
 * becomes a `Request` (its `signal` aborts when the client disconnects before the response is
 * complete) and the `Response` is streamed back, honouring socket backpressure. Handlers made by
 * {@link createStreamableHttpHandler} are served directly on `node:http`, skipping the web
 * objects (same behaviour, a fraction of the cost per request). A client that sends its
 * request too slowly is answered 408 and disconnected (see {@link HttpServerTimeouts}).
 *
 * @throws RangeError when a timeout is not a positive integer.
 */
export function createNodeHttpServer(
  handler: WebRequestHandler,
  timeouts: HttpServerTimeouts = {},
): Server {
  const options = nodeHttpTimeouts(timeouts);
  const core = (handler as { [EXCHANGE_HANDLER]?: HttpExchangeHandler })[EXCHANGE_HANDLER];
  if (core !== undefined) {
    return createServer(options, (req, res) => {
      void serveCore(core, req, res);
    });
  }
  return createServer(options, (req, res) => {
    void serve(handler, req, res);
  });
}

/** Serves a web-standard handler on `host:port` (default `127.0.0.1`, a free port). */
export async function listenHttp(
  handler: WebRequestHandler,
  options: ListenHttpOptions = {},
): Promise<HttpListener> {
  const host = options.host ?? '127.0.0.1';
  const server = createNodeHttpServer(handler, options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${urlHost}:${port}/`,
    host,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serveCore(
  core: HttpExchangeHandler,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let goneListeners: (() => void)[] | undefined;
  res.once('close', () => {
    if (!res.writableFinished) for (const listener of goneListeners ?? []) listener();
  });
  const incoming: IncomingHttp = {
    method: req.method ?? 'GET',
    path: pathOf(req.url ?? '/'),
    header: (name) => {
      const value = req.headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
    readBody: (max) => readNodeBody(req, max),
    onClientGone: (listener) => {
      (goneListeners ??= []).push(listener);
    },
  };
  let outgoing: OutgoingHttp;
  try {
    outgoing = await core(incoming);
  } catch (error) {
    outgoing = {
      status: 500,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32603, message: `Internal error: ${String(error)}` },
      }),
    };
  }
  if (res.destroyed) return;
  // A body left unread (refused early) would stall a kept-alive connection: close it instead.
  if (!req.complete) res.setHeader('connection', 'close');
  res.writeHead(outgoing.status, outgoing.headers);
  const { stream } = outgoing;
  if (stream === undefined) {
    res.end(outgoing.body);
    return;
  }
  res.flushHeaders();
  stream({
    write: (text) => {
      if (!res.destroyed) res.write(text);
    },
    end: () => {
      if (!res.destroyed) res.end();
    },
  });
}

function readNodeBody(req: IncomingMessage, max: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > max) {
    return Promise.reject(new RangeError(`the body of ${declared} bytes exceeds ${max} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        cleanup();
        req.pause();
        reject(new RangeError(`the body exceeds ${max} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    // A socket destroyed mid-body (request timeout, client gone) must not leave the read pending.
    const onClose = (): void => onError(new Error('the connection closed before the body ended'));
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

async function serve(
  handler: WebRequestHandler,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  let response: Response;
  try {
    response = await handler(toRequest(req, controller.signal));
  } catch (error) {
    if (!res.headersSent) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          jsonrpc: '2.0',
          id: null,
          error: { code: -32603, message: `Internal error: ${String(error)}` },
        }),
      );
    }
    return;
  }
  await writeResponse(response, res);
}

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i] ?? '', req.rawHeaders[i + 1] ?? '');
  }
  // The URL only carries the path to the handler; the Host header is checked separately.
  const url = `http://localhost${req.url ?? '/'}`;
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  // `duplex` is required by undici for streamed bodies but missing from the DOM typings.
  const init: RequestInit & { duplex?: 'half' } = { method: req.method ?? 'GET', headers, signal };
  if (hasBody) {
    init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
    init.duplex = 'half';
  }
  return new Request(url, init);
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: string[] = [];
  response.headers.forEach((value, name) => headers.push(name, value));
  res.writeHead(response.status, headers);
  if (response.body === null) {
    res.end();
    return;
  }
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  res.once('close', () => {
    if (!res.writableFinished) reader.cancel().catch(() => undefined);
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const finish = (): void => {
            res.off('drain', finish);
            res.off('close', finish);
            resolve();
          };
          res.on('drain', finish);
          res.on('close', finish);
        });
      }
      if (res.destroyed) return;
    }
    res.end();
  } catch {
    res.destroy();
  }
}
