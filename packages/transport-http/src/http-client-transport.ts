import type { JsonRpcId, JsonRpcMessage, Transport, TransportCloseInfo } from '@stepflow/jsonrpc';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import { INSTANCE_ID_HEADER, SESSION_ID_HEADER } from './http-headers.ts';
import { HttpTransportError } from './http-transport-error.ts';
import type { HttpTransportErrorCode } from './http-transport-error.ts';
import { AbortHandle } from './internal/abort-handle.ts';
import { backoffDelay, delay } from './internal/backoff.ts';
import { messageKind } from './internal/message-kind.ts';
import { RequestIdMap } from './internal/request-id-map.ts';
import { SseParser } from './internal/sse-parser.ts';

/** How connection attempts are retried when the server cannot be reached. */
export interface HttpRetryOptions {
  /** Retries after the first failed connection attempt (default 3; 0 disables). */
  readonly attempts?: number;
  /** Delay before the first retry (default 100 ms). */
  readonly initialDelayMs?: number;
  /** Growth factor of the delay per retry (default 2). */
  readonly multiplier?: number;
  /** Upper bound of one delay (default 2000 ms). */
  readonly maxDelayMs?: number;
}

/** Options of {@link createHttpClientTransport}. */
export interface HttpClientTransportOptions {
  /** The server URL; every message is POSTed to exactly this URL (no path is appended). */
  readonly url: string | URL;
  /** Extra headers sent on every POST (e.g. `Authorization: Bearer …`). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Deadline of one request exchange, from POST until the final response (default 300 000 ms;
   * 0 disables). When it passes the request is answered by an error response (`data.kind: 'timeout'`).
   */
  readonly timeoutMs?: number;
  /** Retries of connection failures (refused, unresolvable, connect timeout) with backoff. */
  readonly retry?: HttpRetryOptions;
  /** Largest JSON response body or single SSE event accepted, in bytes (default 64 MiB). */
  readonly maxResponseBytes?: number;
  /**
   * Most connections for requests (default 256): requests beyond it wait for a free one.
   * Notifications and callback responses use a pool of their own of the same size.
   */
  readonly maxConnections?: number;
  /** How long an idle keep-alive connection is kept (default 30 000 ms). */
  readonly keepAliveTimeoutMs?: number;
  /** A custom undici dispatcher (proxy, mock); the transport then owns no pool of its own. */
  readonly dispatcher?: Dispatcher;
  /**
   * When true, losing the server — unreachable after the retries (`unreachable`), an exchange
   * broken off (`connection-lost`), an SSE stream ended before its response (`stream-ended`) or
   * the session gone (`session-expired`) — closes the transport with that error instead of
   * answering only the affected request, so the peer rejects everything pending with
   * `ConnectionClosedError`. For owners that treat a closed transport as a lost server and open
   * a new one, initializing again (the runtime's component plugin). Default false.
   */
  readonly closeOnServerLoss?: boolean;
}

/** The runtime side of the streamable HTTP transport. */
export interface HttpClientTransport extends Transport {
  /** The server URL messages are POSTed to. */
  readonly url: string;
  /** The session id the server assigned on `initialize`, if it uses sessions. */
  readonly sessionId: string | undefined;
}

/** The JSON-RPC error code of error responses the transport makes up for failed exchanges. */
export const HTTP_TRANSPORT_ERROR_CODE = -32603;

const ACCEPT = 'application/json, text/event-stream';

/**
 * Creates the client (runtime) side of the streamable HTTP transport.
 *
 * Requests are POSTed and answered by a JSON body or an SSE stream that carries the server's
 * callbacks before the final response; responses to those callbacks are POSTed back with the
 * server's `Stepflow-Instance-Id`. A request whose exchange fails (server unreachable after the
 * configured retries, timeout, stream ended early, unreadable body) is answered locally by an
 * error response with code {@link HTTP_TRANSPORT_ERROR_CODE} and
 * `data: { transport: 'http', kind, url, status? }`, so the peer rejects it.
 */
export function createHttpClientTransport(
  options: HttpClientTransportOptions,
): HttpClientTransport {
  return new HttpClientTransportImpl(options);
}

interface CallbackMeta {
  readonly instanceId: string | undefined;
}

interface ExchangeFailure {
  readonly kind: HttpTransportErrorCode;
  readonly message: string;
  readonly status?: number;
}

class HttpClientTransportImpl implements HttpClientTransport {
  onmessage?: (message: unknown) => void;
  onerror?: (error: Error) => void;
  onclose?: (info: TransportCloseInfo) => void;

  readonly url: string;
  readonly #origin: string;
  readonly #path: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #retry: Required<HttpRetryOptions>;
  readonly #maxResponseBytes: number;
  readonly #dispatcher: Dispatcher;
  /**
   * Carries notifications and callback responses. Kept apart from the request pool: when every
   * request connection holds an SSE stream waiting for a callback's answer, the answer must not
   * queue behind them (that would deadlock until the timeout).
   */
  readonly #postDispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #callbacks = new RequestIdMap<CallbackMeta>();
  readonly #inflight = new Set<AbortHandle>();
  readonly #closeOnServerLoss: boolean;
  #session: string | undefined;
  #closed = false;

  constructor(options: HttpClientTransportOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`HTTP transport url must be http: or https:, got '${url.href}'`);
    }
    this.url = url.href;
    this.#origin = url.origin;
    this.#path = `${url.pathname}${url.search}`;
    this.#headers = { ...options.headers, 'content-type': 'application/json', accept: ACCEPT };
    this.#timeoutMs = options.timeoutMs ?? 300_000;
    this.#retry = {
      attempts: options.retry?.attempts ?? 3,
      initialDelayMs: options.retry?.initialDelayMs ?? 100,
      multiplier: options.retry?.multiplier ?? 2,
      maxDelayMs: options.retry?.maxDelayMs ?? 2000,
    };
    this.#maxResponseBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
    this.#closeOnServerLoss = options.closeOnServerLoss ?? false;
    this.#ownsDispatcher = options.dispatcher === undefined;
    const pool = (): Pool =>
      new Pool(this.#origin, {
        connections: options.maxConnections ?? 256,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
        // The exchange deadline is ours; undici's own idle timers would cut long executions.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
    this.#dispatcher = options.dispatcher ?? pool();
    this.#postDispatcher = options.dispatcher ?? pool();
  }

  get sessionId(): string | undefined {
    return this.#session;
  }

  async start(): Promise<void> {
    // Nothing to open: HTTP connects per request (and the pool keeps connections alive).
  }

  async send(message: JsonRpcMessage): Promise<void> {
    if (this.#closed)
      throw new HttpTransportError('closed', `HTTP transport to ${this.url} is closed`);
    const shape = messageKind(message);
    switch (shape.kind) {
      case 'request':
        void this.#exchange(message, shape.id, shape.method);
        return;
      case 'notification':
        await this.#post(message, undefined, `notification '${shape.method}'`);
        return;
      case 'response': {
        const callback = shape.id === null ? undefined : this.#callbacks.release(shape.id);
        const outgoing = callback === undefined ? message : { ...message, id: callback.originalId };
        await this.#post(
          outgoing,
          callback?.meta.instanceId,
          `response to callback ${String(shape.id)}`,
        );
        return;
      }
      case 'invalid':
        throw new TypeError(
          'HTTP transport can only send JSON-RPC 2.0 requests, notifications and responses',
        );
    }
  }

  async close(): Promise<void> {
    await this.#shutdown(undefined);
  }

  async #shutdown(error: Error | undefined): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const controller of this.#inflight) {
      controller.abort(
        new HttpTransportError('closed', `HTTP transport to ${this.url} was closed`),
      );
    }
    this.#inflight.clear();
    this.#callbacks.clear();
    const destroying = this.#ownsDispatcher
      ? Promise.all([
          this.#dispatcher.destroy().catch(() => undefined),
          this.#postDispatcher.destroy().catch(() => undefined),
        ])
      : undefined;
    this.onclose?.(error === undefined ? {} : { error });
    await destroying;
  }

  /** POSTs a notification or a callback response and expects 202. */
  async #post(message: unknown, instanceId: string | undefined, what: string): Promise<void> {
    const headers = this.#requestHeaders();
    if (instanceId !== undefined) headers[INSTANCE_ID_HEADER] = instanceId;
    const controller = new AbortHandle();
    const timer = this.#startTimer(controller);
    this.#inflight.add(controller);
    try {
      const response = await this.#dispatch(
        this.#postDispatcher,
        JSON.stringify(message),
        headers,
        controller,
      );
      const body = await readLimited(response.body, this.#maxResponseBytes).catch(() => '');
      if (response.statusCode === 202) return;
      if (response.statusCode === 404 && this.#sessionGone(headers)) {
        throw new HttpTransportError('session-expired', this.#sessionMessage(headers));
      }
      throw new HttpTransportError(
        'unexpected-status',
        `POST ${this.url} of ${what} was answered ${response.statusCode}, expected 202${snippet(body)}`,
      );
    } catch (error) {
      const failure = this.#asTransportError(error, controller);
      if (this.#closeOnServerLoss && SERVER_LOSS.has(failure.code)) void this.#shutdown(failure);
      throw failure;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      this.#inflight.delete(controller);
    }
  }

  /** Runs one request exchange; whatever happens, the request ends up answered. */
  async #exchange(message: JsonRpcMessage, id: JsonRpcId, method: string): Promise<void> {
    const controller = new AbortHandle();
    const timer = this.#startTimer(controller);
    this.#inflight.add(controller);
    const headers = this.#requestHeaders();
    try {
      const response = await this.#dispatch(
        this.#dispatcher,
        JSON.stringify(message),
        headers,
        controller,
      );
      if (method === 'initialize') {
        const session = headerValue(response.headers, SESSION_ID_HEADER);
        if (session !== undefined) this.#session = session;
      }
      if (response.statusCode === 404 && this.#sessionGone(headers)) {
        await response.body.dump().catch(() => undefined);
        this.#fail(id, {
          kind: 'session-expired',
          message: this.#sessionMessage(headers),
          status: 404,
        });
        return;
      }
      const contentType = headerValue(response.headers, 'content-type') ?? '';
      if (response.statusCode < 300 && contentType.toLowerCase().startsWith('text/event-stream')) {
        const final = await this.#readStream(response, id);
        if (!final && !this.#closed) {
          this.#fail(id, {
            kind: 'stream-ended',
            message: `SSE stream from ${this.url} ended before the response to request ${String(id)} ('${method}')`,
          });
        }
        return;
      }
      await this.#readJson(response, id, method);
    } catch (error) {
      if (this.#closed) return;
      const failure = this.#asTransportError(error, controller);
      this.#fail(id, {
        kind: failure.code,
        message: `${failure.message} (request ${String(id)}, '${method}')`,
      });
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      this.#inflight.delete(controller);
    }
  }

  async #readJson(response: Dispatcher.ResponseData, id: JsonRpcId, method: string): Promise<void> {
    const status = response.statusCode;
    const body = await readLimited(
      response.body,
      this.#maxResponseBytes,
      response.headers['content-length'],
    );
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      this.#fail(id, {
        kind: status >= 400 ? 'unexpected-status' : 'invalid-response',
        message: `POST ${this.url} ('${method}', request ${String(id)}) was answered ${status} with a body that is not JSON${snippet(body)}`,
        status,
      });
      return;
    }
    const shape = messageKind(parsed);
    if (shape.kind === 'response' && (shape.id === id || (shape.id === null && status >= 400))) {
      // An error the server could not attach to a request id (id null) still answers this one.
      this.#deliver(shape.id === id ? parsed : refusalFor(parsed, id, status));
      return;
    }
    this.#fail(id, {
      kind: status >= 400 ? 'unexpected-status' : 'invalid-response',
      message: `POST ${this.url} ('${method}', request ${String(id)}) was answered ${status} with something other than its JSON-RPC response${snippet(body)}`,
      status,
    });
  }

  /** Reads an SSE stream; returns whether the final response arrived. */
  async #readStream(response: Dispatcher.ResponseData, id: JsonRpcId): Promise<boolean> {
    const instanceId = headerValue(response.headers, INSTANCE_ID_HEADER);
    let final = false;
    const onEvent = (data: string): void => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        this.onerror?.(
          new Error(
            `skipped an SSE event from ${this.url} that is not JSON: ${data.slice(0, 200)}`,
          ),
        );
        return;
      }
      const shape = messageKind(parsed);
      switch (shape.kind) {
        case 'request': {
          const localId = this.#callbacks.admit(shape.id, { instanceId });
          this.#deliver(localId === shape.id ? parsed : { ...(parsed as object), id: localId });
          return;
        }
        case 'notification':
          this.#deliver(parsed);
          return;
        case 'response':
          if (shape.id === id && !final) {
            final = true;
            this.#deliver(parsed);
            return;
          }
          this.onerror?.(
            new Error(
              `ignored a response to unknown id ${String(shape.id)} on the SSE stream of ${this.url}`,
            ),
          );
          return;
        case 'invalid':
          this.onerror?.(
            new Error(
              `skipped an SSE event from ${this.url} that is not a JSON-RPC message: ${data.slice(0, 200)}`,
            ),
          );
          return;
      }
    };
    const parser = new SseParser(this.#maxResponseBytes, onEvent);
    try {
      await readEach(response.body, (chunk) => parser.push(chunk));
    } catch (error) {
      if (error instanceof RangeError) {
        throw new HttpTransportError(
          'response-too-large',
          `SSE stream from ${this.url}: ${error.message}`,
        );
      }
      // After the final response the rest of the stream does not matter.
      if (final) return true;
      throw error;
    }
    parser.end();
    return final;
  }

  async #dispatch(
    dispatcher: Dispatcher,
    body: string,
    headers: Record<string, string>,
    signal: AbortHandle,
  ): Promise<Dispatcher.ResponseData> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await dispatcher.request({
          origin: this.#origin,
          path: this.#path,
          method: 'POST',
          headers,
          body,
          signal,
        });
      } catch (error) {
        if (!isConnectFailure(error) || signal.aborted) throw error;
        if (attempt >= this.#retry.attempts) {
          const attempts = attempt + 1;
          throw new HttpTransportError(
            'unreachable',
            `cannot reach the component server at ${this.url}: ${describe(error)} (${attempts} attempt${attempts === 1 ? '' : 's'})`,
            { cause: error },
          );
        }
        const wait = backoffDelay(attempt + 1, this.#retry);
        this.onerror?.(
          new HttpTransportError(
            'unreachable',
            `cannot reach ${this.url} (${describe(error)}); retry ${attempt + 1} of ${this.#retry.attempts} in ${wait} ms`,
            {
              cause: error,
            },
          ),
        );
        await delay(wait, signal);
      }
    }
  }

  #requestHeaders(): Record<string, string> {
    const headers = { ...this.#headers };
    if (this.#session !== undefined) headers[SESSION_ID_HEADER] = this.#session;
    return headers;
  }

  /** Whether a 404 means the session we sent is gone (and forgets it so `initialize` starts anew). */
  #sessionGone(sentHeaders: Record<string, string>): boolean {
    const sent = sentHeaders[SESSION_ID_HEADER];
    if (sent === undefined) return false;
    if (this.#session === sent) this.#session = undefined;
    return true;
  }

  #sessionMessage(sentHeaders: Record<string, string>): string {
    return `session '${sentHeaders[SESSION_ID_HEADER] ?? ''}' is unknown to or expired at ${this.url}; send 'initialize' again to open a new session`;
  }

  #startTimer(controller: AbortHandle): NodeJS.Timeout | undefined {
    if (this.#timeoutMs <= 0) return undefined;
    return setTimeout(() => {
      controller.abort(
        new HttpTransportError(
          'timeout',
          `no response from ${this.url} within ${this.#timeoutMs} ms`,
        ),
      );
    }, this.#timeoutMs);
  }

  #asTransportError(error: unknown, signal: AbortHandle): HttpTransportError {
    if (HttpTransportError.isInstance(error)) return error;
    if (signal.aborted && HttpTransportError.isInstance(signal.reason)) return signal.reason;
    if (error instanceof RangeError) {
      return new HttpTransportError(
        'response-too-large',
        `response from ${this.url}: ${error.message}`,
      );
    }
    // Connection failures were retried and reported as unreachable; this broke off mid-exchange.
    return new HttpTransportError(
      'connection-lost',
      `HTTP exchange with ${this.url} failed: ${describe(error)}`,
      { cause: error },
    );
  }

  #fail(id: JsonRpcId, failure: ExchangeFailure): void {
    if (this.#closeOnServerLoss && SERVER_LOSS.has(failure.kind)) {
      void this.#shutdown(new HttpTransportError(failure.kind, failure.message));
      return;
    }
    const data: Record<string, unknown> = { transport: 'http', kind: failure.kind, url: this.url };
    if (failure.status !== undefined) data['status'] = failure.status;
    this.#deliver({
      jsonrpc: '2.0',
      id,
      error: { code: HTTP_TRANSPORT_ERROR_CODE, message: failure.message, data },
    });
  }

  #deliver(message: unknown): void {
    if (!this.#closed) this.onmessage?.(message);
  }
}

/**
 * Failures that mean the server (or its session) is gone rather than that one exchange went
 * wrong: with `closeOnServerLoss` they close the transport, so the owner connects and
 * initializes anew.
 */
const SERVER_LOSS = new Set<HttpTransportErrorCode>([
  'unreachable',
  'connection-lost',
  'stream-ended',
  'session-expired',
]);

const CONNECT_FAILURES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function isConnectFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONNECT_FAILURES.has(code);
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `connect ${code}` : describe(error.errors[0]);
  }
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function headerValue(
  headers: Dispatcher.ResponseData['headers'],
  name: string,
): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function snippet(body: string): string {
  const trimmed = body.trim();
  if (trimmed === '') return '';
  return `: ${trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed}`;
}

async function readLimited(
  body: Dispatcher.ResponseData['body'],
  max: number,
  contentLength?: string | string[],
): Promise<string> {
  // With a declared length within the limit, undici's own reader is the fast path.
  const declared = typeof contentLength === 'string' ? Number(contentLength) : Number.NaN;
  if (declared <= max) return body.text();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > max) {
      body.destroy();
      throw new RangeError(`the body exceeds the maximum of ${max} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Feeds every chunk of `body` to `onChunk`; rejects with the first error (its own or the body's). */
function readEach(
  body: Dispatcher.ResponseData['body'],
  onChunk: (chunk: Buffer) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => {
      body.off('data', onData);
      body.destroy();
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      try {
        onChunk(chunk);
      } catch (error) {
        fail(error as Error);
      }
    };
    body.on('data', onData);
    body.once('end', () => resolve());
    body.once('error', fail);
    body.once('close', () => {
      // A body destroyed without an error (an aborted request) must not leave this pending.
      if (!body.readableEnded) fail(new Error('the response body was closed before its end'));
    });
  });
}

/**
 * The server's id-less error answer (a refusal: 401, 403, 415, …) as the response to request
 * `id`. The HTTP status is added as `data: {transport, status}` when the server gave no data, so
 * the owner can tell a refusal that retrying cannot fix.
 */
function refusalFor(parsed: unknown, id: JsonRpcId, status: number): unknown {
  const message = parsed as { error?: { data?: unknown } };
  if (message.error === undefined || message.error.data !== undefined) return { ...message, id };
  return { ...message, id, error: { ...message.error, data: { transport: 'http', status } } };
}
