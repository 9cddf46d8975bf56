import type {
  JsonRpcMessage,
  Transport,
  TransportCloseInfo,
  TransportSendOptions,
} from '@stepflow/jsonrpc';

/**
 * A transport whose real implementation is created by `load` when it starts, so a process that
 * never reaches a network server never loads its client library (undici, ws). Callbacks set on
 * the lazy transport are forwarded from the real one; `onclose` still fires exactly once, also
 * when the transport is closed before it started.
 */
export function createLazyTransport(load: () => Promise<Transport>): Transport {
  return new LazyTransport(load);
}

class LazyTransport implements Transport {
  onmessage?: (message: unknown) => void;
  onerror?: (error: Error) => void;
  onclose?: (info: TransportCloseInfo) => void;
  readonly #load: () => Promise<Transport>;
  #inner: Transport | undefined;
  #closed = false;
  #closeReported = false;

  constructor(load: () => Promise<Transport>) {
    this.#load = load;
  }

  async start(): Promise<void> {
    if (this.#closed) throw new Error('the transport was closed before it started');
    const inner = await this.#load();
    inner.onmessage = (message) => this.onmessage?.(message);
    inner.onerror = (error) => this.onerror?.(error);
    inner.onclose = (info) => this.#reportClose(info);
    this.#inner = inner;
    if (this.#closed) {
      // close() ran while the module was loading: the real transport must not outlive it.
      await inner.close();
      throw new Error('the transport was closed before it started');
    }
    await inner.start();
  }

  send(message: JsonRpcMessage, options?: TransportSendOptions): Promise<void> {
    if (this.#inner === undefined || this.#closed) {
      return Promise.reject(new Error('the transport is not open'));
    }
    return this.#inner.send(message, options);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#inner === undefined) this.#reportClose({});
    else await this.#inner.close();
  }

  #reportClose(info: TransportCloseInfo): void {
    if (this.#closeReported) return;
    this.#closeReported = true;
    this.onclose?.(info);
  }
}
