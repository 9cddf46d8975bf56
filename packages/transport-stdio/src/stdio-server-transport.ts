import type { Readable, Writable } from 'node:stream';
import type {
  JsonRpcMessage,
  Transport,
  TransportCloseInfo,
  TransportSendOptions,
} from '@stepflow/jsonrpc';
import type { FramingOptions } from './framing-options.ts';
import { FramedStream } from './internal/framed-stream.ts';

/** Options of {@link createStdioServerTransport}. */
export interface StdioServerTransportOptions extends FramingOptions {
  /** Where messages come from; default `process.stdin`. */
  readonly stdin?: Readable;
  /** Where messages go; default `process.stdout`. Nothing else may write to it. */
  readonly stdout?: Writable;
}

/**
 * Creates the server side of a stdio connection: messages are read from stdin and written to
 * stdout of the current process, one JSON document per line.
 *
 * Only protocol messages may go to stdout: log to stderr. When stdin ends (the runtime closed the
 * pipe or went away) the transport closes, which is the server's cue to exit. `close()` stops
 * reading but leaves stdout open (already written messages are flushed by Node).
 *
 * @example
 * const peer = createJsonRpcPeer(createStdioServerTransport());
 * peer.handleRequest('echo', (params) => params);
 * await peer.start();
 */
export function createStdioServerTransport(options: StdioServerTransportOptions = {}): Transport {
  return new StdioServerTransport(options);
}

class StdioServerTransport implements Transport {
  onmessage?: (message: unknown) => void;
  onerror?: (error: Error) => void;
  onclose?: (info: TransportCloseInfo) => void;
  readonly #framed: FramedStream;
  #started = false;
  #closed = false;

  constructor(options: StdioServerTransportOptions) {
    this.#framed = new FramedStream(
      options.stdin ?? process.stdin,
      options.stdout ?? process.stdout,
      options,
    );
  }

  async start(): Promise<void> {
    if (this.#started) throw new Error('Stdio server transport already started');
    if (this.#closed) throw new Error('Stdio server transport is closed');
    this.#started = true;
    this.#framed.start({
      onMessage: (message) => this.onmessage?.(message),
      onError: (error) => this.onerror?.(error),
      onEnd: (error) => this.#finish(error === undefined ? {} : { error }),
    });
  }

  send(message: JsonRpcMessage, _options?: TransportSendOptions): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('Stdio server transport is closed'));
    return this.#framed.send(message);
  }

  async close(): Promise<void> {
    this.#finish({});
  }

  #finish(info: TransportCloseInfo): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#framed.stop();
    this.onclose?.(info);
  }
}
