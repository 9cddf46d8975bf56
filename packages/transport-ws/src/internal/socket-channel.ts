import type { WebSocket } from 'ws';
import { WebSocketTransportError } from '../web-socket-transport-error.ts';
import { isJsonRpcMessage } from './json-rpc-shape.ts';

/** Tuning shared by client and server sockets. */
export interface ChannelOptions {
  /** Unflushed outgoing bytes above which `send` waits for the socket to drain. */
  readonly highWaterMarkBytes: number;
  /** Largest message this side sends (the peer's `maxPayload`); larger sends reject. */
  readonly maxMessageBytes: number;
  /** Interval of keep-alive pings; a ping unanswered by the next one ends the connection. 0 disables. */
  readonly pingIntervalMs: number;
}

/** What the channel reports to its owner. */
export interface ChannelEvents {
  readonly onMessage: (message: unknown) => void;
  readonly onError: (error: Error) => void;
  /** Called once when the socket is gone; `error` is set unless it closed normally. */
  readonly onClose: (error: Error | undefined) => void;
}

interface QueuedSend {
  readonly text: string;
  readonly size: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * One open WebSocket carrying JSON-RPC messages, one per text frame: parses incoming frames,
 * keeps the connection alive with pings, and applies backpressure to sends (a FIFO queue that
 * only writes while fewer than `highWaterMarkBytes` are waiting to be flushed).
 */
export class SocketChannel {
  readonly #ws: WebSocket;
  readonly #options: ChannelOptions;
  readonly #events: ChannelEvents;
  readonly #queue: QueuedSend[] = [];
  readonly #label: string;
  #unflushed = 0;
  #closed = false;
  #closeError: Error | undefined;
  #alive = true;
  #pinger: NodeJS.Timeout | undefined;

  constructor(ws: WebSocket, label: string, options: ChannelOptions, events: ChannelEvents) {
    this.#ws = ws;
    this.#label = label;
    this.#options = options;
    this.#events = events;
    ws.on('message', (data, isBinary) => this.#receive(data, isBinary));
    ws.on('pong', () => {
      this.#alive = true;
    });
    ws.on('error', (error) => {
      this.#closeError ??= error;
      this.#events.onError(new Error(`${this.#label}: ${error.message}`, { cause: error }));
    });
    ws.on('close', (code, reason) => this.#onSocketClose(code, reason.toString('utf8')));
    if (options.pingIntervalMs > 0) {
      this.#pinger = setInterval(() => this.#ping(), options.pingIntervalMs);
      this.#pinger.unref();
    }
  }

  /** Unflushed bytes (this channel's queue plus what the socket has not yet written). */
  get bufferedAmount(): number {
    return this.#unflushed + this.#queue.reduce((sum, item) => sum + item.size, 0);
  }

  /** Whether the socket is gone. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Sends one message as a text frame; waits while the socket is above the high-water mark. */
  send(message: unknown): Promise<void> {
    if (this.#closed) {
      return Promise.reject(new WebSocketTransportError('closed', `${this.#label} is closed`));
    }
    const text = JSON.stringify(message);
    const size = Buffer.byteLength(text);
    if (size > this.#options.maxMessageBytes) {
      return Promise.reject(
        new WebSocketTransportError(
          'message-too-large',
          `${this.#label}: a message of ${size} bytes exceeds the maximum of ${this.#options.maxMessageBytes} bytes`,
        ),
      );
    }
    if (this.#queue.length === 0 && this.#unflushed < this.#options.highWaterMarkBytes) {
      this.#write(text, size);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.#queue.push({ text, size, resolve, reject }));
  }

  /** Starts a closing handshake; the socket is terminated if it does not finish in time. */
  close(code = 1000, reason = ''): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#ws.terminate(), 2000);
      this.#ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      // A paused socket would never read the peer's close frame.
      this.#ws.resume();
      this.#ws.close(code, reason);
    });
  }

  /** Drops the connection at once, reporting `error` as the cause. */
  terminate(error: Error): void {
    this.#closeError ??= error;
    this.#ws.terminate();
  }

  /** Stops reading frames (messages wait in the socket until {@link resume}). */
  pause(): void {
    this.#ws.pause();
  }

  /** Resumes reading frames. */
  resume(): void {
    this.#ws.resume();
  }

  #write(text: string, size: number): void {
    this.#unflushed += size;
    this.#ws.send(text, (error) => {
      this.#unflushed -= size;
      if (error !== undefined && error !== null && !this.#closed) {
        this.#events.onError(
          new Error(`${this.#label}: send failed: ${error.message}`, { cause: error }),
        );
      }
      this.#pump();
    });
  }

  #pump(): void {
    while (
      this.#queue.length > 0 &&
      this.#unflushed < this.#options.highWaterMarkBytes &&
      !this.#closed
    ) {
      const item = this.#queue.shift() as QueuedSend;
      this.#write(item.text, item.size);
      item.resolve();
    }
  }

  /**
   * Answers a frame that cannot be passed on as JSON-RPC with an error response (`id: null`, as
   * JSON-RPC asks when the id cannot be read), so the sender learns why instead of waiting.
   */
  #answerMalformed(code: -32700 | -32600, message: string): void {
    if (this.#closed) return;
    this.send({ jsonrpc: '2.0', id: null, error: { code, message } }).catch(() => {
      // The socket went away; the close event reports it.
    });
  }

  #receive(data: unknown, isBinary: boolean): void {
    if (isBinary) {
      this.#events.onError(
        new Error(`${this.#label}: dropped a binary frame (messages are JSON text frames)`),
      );
      this.#answerMalformed(
        -32600,
        'Invalid Request: binary frames are not supported; send JSON text frames',
      );
      return;
    }
    const text = Array.isArray(data)
      ? Buffer.concat(data as Buffer[]).toString('utf8')
      : Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      this.#events.onError(
        new Error(`${this.#label}: dropped a frame that is not JSON: ${text.slice(0, 200)}`),
      );
      this.#answerMalformed(-32700, `Parse error: ${(error as Error).message}`);
      return;
    }
    if (!isJsonRpcMessage(parsed)) {
      this.#events.onError(
        new Error(
          `${this.#label}: dropped a frame that is not a JSON-RPC 2.0 message: ${text.slice(0, 200)}`,
        ),
      );
      this.#answerMalformed(
        -32600,
        'Invalid Request: the frame is not a JSON-RPC 2.0 message (batches are not supported)',
      );
      return;
    }
    this.#events.onMessage(parsed);
  }

  #ping(): void {
    if (!this.#alive) {
      this.terminate(
        new WebSocketTransportError(
          'keep-alive-timeout',
          `${this.#label}: no pong within ${this.#options.pingIntervalMs} ms; the connection is considered dead`,
        ),
      );
      return;
    }
    this.#alive = false;
    try {
      this.#ws.ping();
    } catch {
      // The socket is closing; the close event follows.
    }
  }

  #onSocketClose(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#pinger !== undefined) clearInterval(this.#pinger);
    const failure = new WebSocketTransportError('closed', `${this.#label} is closed`);
    for (const item of this.#queue.splice(0)) item.reject(failure);
    const normal = code === 1000 || code === 1001;
    const error =
      this.#closeError ??
      (normal
        ? undefined
        : new WebSocketTransportError(
            'connection-lost',
            `${this.#label}: connection closed with code ${code}${reason === '' ? '' : ` (${reason})`}`,
          ));
    this.#events.onClose(error);
  }
}
