import type { JsonRpcId, JsonRpcMessage, Transport, TransportCloseInfo } from '@stepflow/jsonrpc';
import { WebSocket } from 'ws';
import { backoffDelay, delay } from './internal/backoff.ts';
import { SocketChannel } from './internal/socket-channel.ts';
import { WebSocketTransportError } from './web-socket-transport-error.ts';

/** How connection attempts are retried. */
export interface WebSocketRetryOptions {
  /** Retries after a failed attempt, for the first connection and after each drop (default 5; 0 disables). */
  readonly attempts?: number;
  /** Delay before the first retry (default 100 ms). */
  readonly initialDelayMs?: number;
  /** Growth factor of the delay per retry (default 2). */
  readonly multiplier?: number;
  /** Upper bound of one delay (default 5000 ms). */
  readonly maxDelayMs?: number;
}

/** Options of {@link createWebSocketClientTransport}. */
export interface WebSocketClientTransportOptions {
  /** The server URL (`ws://…` or `wss://…`). */
  readonly url: string | URL;
  /** Extra headers of the upgrade request (e.g. `Authorization: Bearer …`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Largest incoming message in bytes (default 64 MiB); larger frames close the connection. */
  readonly maxPayloadBytes?: number;
  /** Largest outgoing message in bytes (default 64 MiB, the server's default limit); larger sends reject. */
  readonly maxMessageBytes?: number;
  /** Keep-alive ping interval (default 30 000 ms; 0 disables). */
  readonly pingIntervalMs?: number;
  /** Unflushed bytes above which `send` waits for the socket to drain (default 1 MiB). */
  readonly highWaterMarkBytes?: number;
  /** Deadline of one opening handshake (default 10 000 ms). */
  readonly connectTimeoutMs?: number;
  /** Retry policy of connection attempts (the first one and reconnections). */
  readonly retry?: WebSocketRetryOptions;
  /**
   * Whether to reconnect after an open socket drops (default `true`). With `false` the transport
   * closes with the cause instead, for owners that restart connections themselves.
   */
  readonly reconnect?: boolean;
}

/** The runtime side of the WebSocket transport. */
export interface WebSocketClientTransport extends Transport {
  /** The server URL. */
  readonly url: string;
  /** Unflushed outgoing bytes of the current socket. */
  readonly bufferedAmount: number;
  /**
   * Told after the socket dropped and a new one was opened. The server sees a new connection,
   * so protocol state (such as `initialize`) may have to be set up again.
   */
  onreconnect?: () => void;
}

/** The JSON-RPC error code of error responses made up for requests lost with a dropped socket. */
export const WEB_SOCKET_TRANSPORT_ERROR_CODE = -32603;

/**
 * Creates the client (runtime) side of the WebSocket transport: one JSON-RPC message per text
 * frame, both directions on one socket, keep-alive pings, bounded send buffering.
 *
 * `start()` connects, retrying with backoff, and rejects with a clear error when the server
 * cannot be reached. When an open socket drops, requests still waiting for their response are
 * answered by error responses (code {@link WEB_SOCKET_TRANSPORT_ERROR_CODE},
 * `data: { transport: 'websocket', kind: 'connection-lost', url }`) and the transport reconnects
 * with backoff (sends wait meanwhile); when reconnection fails it closes with the cause. With
 * `reconnect: false` a drop closes the transport at once (the peer then rejects what is pending
 * with `ConnectionClosedError`).
 */
export function createWebSocketClientTransport(
  options: WebSocketClientTransportOptions,
): WebSocketClientTransport {
  return new WebSocketClientTransportImpl(options);
}

class WebSocketClientTransportImpl implements WebSocketClientTransport {
  onmessage?: (message: unknown) => void;
  onerror?: (error: Error) => void;
  onclose?: (info: TransportCloseInfo) => void;
  onreconnect?: () => void;

  readonly url: string;
  readonly #options: WebSocketClientTransportOptions;
  readonly #retry: Required<WebSocketRetryOptions>;
  readonly #reconnect: boolean;
  /** Requests sent on the current socket and not answered yet. */
  readonly #outgoing = new Set<JsonRpcId>();
  /** Requests received on the current socket and not answered yet. */
  readonly #incoming = new Set<JsonRpcId>();
  readonly #stop = new AbortController();
  #channel: SocketChannel | undefined;
  #connecting: Promise<SocketChannel> | undefined;
  #state: 'new' | 'open' | 'closed' = 'new';
  #finished = false;

  constructor(options: WebSocketClientTransportOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
      throw new TypeError(`WebSocket transport url must be ws: or wss:, got '${url.href}'`);
    }
    this.url = url.href;
    this.#options = options;
    this.#retry = {
      attempts: options.retry?.attempts ?? 5,
      initialDelayMs: options.retry?.initialDelayMs ?? 100,
      multiplier: options.retry?.multiplier ?? 2,
      maxDelayMs: options.retry?.maxDelayMs ?? 5000,
    };
    this.#reconnect = options.reconnect ?? true;
  }

  get bufferedAmount(): number {
    return this.#channel?.bufferedAmount ?? 0;
  }

  async start(): Promise<void> {
    if (this.#state !== 'new') return;
    this.#state = 'open';
    this.#connecting = this.#connect();
    try {
      const channel = await this.#connecting;
      if (this.#state !== 'open') {
        await channel.close();
        throw new WebSocketTransportError(
          'closed',
          `WebSocket transport to ${this.url} was closed while connecting`,
        );
      }
      this.#channel = channel;
    } catch (error) {
      this.#finish(error as Error);
      throw error;
    } finally {
      this.#connecting = undefined;
    }
  }

  async send(message: JsonRpcMessage): Promise<void> {
    if (this.#state === 'closed') {
      throw new WebSocketTransportError('closed', `WebSocket transport to ${this.url} is closed`);
    }
    const channel = this.#channel ?? (await this.#connecting);
    if (channel === undefined || this.#state !== 'open') {
      throw new WebSocketTransportError('closed', `WebSocket transport to ${this.url} is not open`);
    }
    const shape = message as { id?: JsonRpcId | null; method?: unknown };
    if (typeof shape.method === 'string') {
      if (shape.id !== undefined && shape.id !== null) this.#outgoing.add(shape.id);
    } else if (shape.id !== undefined && shape.id !== null) {
      // A response to a request received on a socket that has since dropped has nowhere to go.
      if (!this.#incoming.delete(shape.id)) return;
    }
    await channel.send(message);
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const channel = this.#channel;
    this.#state = 'closed';
    this.#stop.abort(
      new WebSocketTransportError('closed', `WebSocket transport to ${this.url} was closed`),
    );
    if (channel !== undefined) await channel.close();
    this.#finish(undefined);
  }

  #finish(error: Error | undefined): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#state = 'closed';
    this.#channel = undefined;
    this.onclose?.(error === undefined ? {} : { error });
  }

  /** Opens a socket, retrying per the policy. */
  async #connect(): Promise<SocketChannel> {
    const attempts = this.#retry.attempts;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#open();
      } catch (error) {
        const failure = error as Error;
        const refused = WebSocketTransportError.isInstance(failure) && failure.code === 'rejected';
        if (this.#state === 'closed') throw failure;
        if (refused || attempt >= attempts) {
          const count = attempt + 1;
          throw new WebSocketTransportError(
            refused ? 'rejected' : 'unreachable',
            refused
              ? failure.message
              : `cannot connect to the component server at ${this.url}: ${failure.message} (${count} attempt${count === 1 ? '' : 's'})`,
            refused ? { cause: failure, status: failure.status } : { cause: failure },
          );
        }
        const wait = backoffDelay(attempt + 1, this.#retry);
        this.onerror?.(
          new WebSocketTransportError(
            'unreachable',
            `cannot connect to ${this.url} (${failure.message}); retry ${attempt + 1} of ${attempts} in ${wait} ms`,
            { cause: failure },
          ),
        );
        await delay(wait, this.#stop.signal);
      }
    }
  }

  /** One connection attempt. */
  #open(): Promise<SocketChannel> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, {
        headers: { ...this.#options.headers },
        maxPayload: this.#options.maxPayloadBytes ?? 64 * 1024 * 1024,
        handshakeTimeout: this.#options.connectTimeoutMs ?? 10_000,
        perMessageDeflate: false,
      });
      const onError = (error: Error): void => {
        cleanup();
        reject(error);
      };
      const onUnexpected = (
        _req: unknown,
        res: { statusCode?: number; statusMessage?: string; resume(): void },
      ): void => {
        cleanup();
        res.resume();
        // Aborting a handshake emits one more 'error', which is expected here.
        ws.on('error', () => undefined);
        ws.terminate();
        reject(
          new WebSocketTransportError(
            'rejected',
            `the server at ${this.url} refused the WebSocket upgrade: ${res.statusCode ?? 0} ${res.statusMessage ?? ''}`.trim(),
            res.statusCode === undefined ? undefined : { status: res.statusCode },
          ),
        );
      };
      const onOpen = (): void => {
        cleanup();
        resolve(this.#attach(ws));
      };
      const cleanup = (): void => {
        ws.off('error', onError);
        ws.off('unexpected-response', onUnexpected);
        ws.off('open', onOpen);
      };
      ws.on('error', onError);
      ws.on('unexpected-response', onUnexpected);
      ws.on('open', onOpen);
    });
  }

  #attach(ws: WebSocket): SocketChannel {
    const channel: SocketChannel = new SocketChannel(
      ws,
      `WebSocket connection to ${this.url}`,
      {
        highWaterMarkBytes: this.#options.highWaterMarkBytes ?? 1024 * 1024,
        maxMessageBytes: this.#options.maxMessageBytes ?? 64 * 1024 * 1024,
        pingIntervalMs: this.#options.pingIntervalMs ?? 30_000,
      },
      {
        onMessage: (message) => this.#receive(message),
        onError: (error) => this.onerror?.(error),
        onClose: (error) => this.#dropped(channel, error),
      },
    );
    return channel;
  }

  #receive(message: unknown): void {
    if (this.#state !== 'open') return;
    const shape = message as { id?: JsonRpcId | null; method?: unknown } | null;
    if (
      shape !== null &&
      typeof shape === 'object' &&
      shape.id !== undefined &&
      shape.id !== null
    ) {
      if (typeof shape.method === 'string') this.#incoming.add(shape.id);
      else this.#outgoing.delete(shape.id);
    }
    this.onmessage?.(message);
  }

  #dropped(channel: SocketChannel, error: Error | undefined): void {
    if (this.#channel !== channel || this.#state !== 'open') return;
    this.#channel = undefined;
    const cause =
      error ??
      new WebSocketTransportError(
        'connection-lost',
        `the server at ${this.url} closed the connection`,
      );
    if (!this.#reconnect) {
      // Closing makes the peer reject what is pending with ConnectionClosedError.
      this.#outgoing.clear();
      this.#incoming.clear();
      this.#finish(cause);
      return;
    }
    for (const id of this.#outgoing) {
      this.onmessage?.({
        jsonrpc: '2.0',
        id,
        error: {
          code: WEB_SOCKET_TRANSPORT_ERROR_CODE,
          message: `connection to ${this.url} lost before the response to request ${String(id)}: ${cause.message}`,
          data: { transport: 'websocket', kind: 'connection-lost', url: this.url },
        },
      });
    }
    this.#outgoing.clear();
    this.#incoming.clear();
    this.onerror?.(
      new WebSocketTransportError('connection-lost', `${cause.message}; reconnecting`, { cause }),
    );
    const connecting = this.#connect();
    this.#connecting = connecting;
    connecting.then(
      (next) => {
        if (this.#connecting === connecting) this.#connecting = undefined;
        if (this.#state !== 'open') {
          void next.close();
          return;
        }
        this.#channel = next;
        this.onreconnect?.();
      },
      (failure: unknown) => {
        if (this.#connecting === connecting) this.#connecting = undefined;
        this.#finish(failure as Error);
      },
    );
  }
}
