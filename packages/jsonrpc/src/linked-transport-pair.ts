import type { JsonRpcMessage } from './message.ts';
import type { Transport, TransportCloseInfo, TransportSendOptions } from './transport.ts';

/** One end of an in-memory transport pair, with test hooks. */
export interface LinkedTransport extends Transport {
  /** Every message this end sent, with its send options, in order. */
  readonly sent: ReadonlyArray<{
    message: JsonRpcMessage;
    options: TransportSendOptions | undefined;
  }>;
  /**
   * Delivers an arbitrary value to this end's `onmessage` as if the other end had sent it
   * (for malformed-input tests).
   */
  inject(value: unknown): void;
  /** Kills the pair as a broken channel would: both ends close with `error` as the cause. */
  fail(error: Error): void;
}

/**
 * Creates two in-memory transports wired to each other, for tests.
 *
 * Messages go through a JSON round trip (so what arrives is what a real wire would carry) and are
 * delivered asynchronously, in order. Closing either end closes both; `onclose` fires once per end,
 * after the last message delivered to it.
 *
 * @example
 * const [a, b] = createLinkedTransportPair();
 * const client = createJsonRpcPeer(a);
 * const server = createJsonRpcPeer(b);
 */
export function createLinkedTransportPair(): [LinkedTransport, LinkedTransport] {
  const a = new LinkedEnd();
  const b = new LinkedEnd();
  a.other = b;
  b.other = a;
  return [a, b];
}

class LinkedEnd implements LinkedTransport {
  other!: LinkedEnd;
  onmessage?: (message: unknown) => void;
  onerror?: (error: Error) => void;
  onclose?: (info: TransportCloseInfo) => void;
  readonly sent: { message: JsonRpcMessage; options: TransportSendOptions | undefined }[] = [];
  #started = false;
  #closing = false;
  #closed = false;
  /** Messages that arrived before `start()`; delivered on start. */
  #early: unknown[] = [];

  async start(): Promise<void> {
    if (this.#started) throw new Error('Linked transport already started');
    this.#started = true;
    const early = this.#early;
    this.#early = [];
    for (const value of early) this.#deliver(value);
  }

  async send(message: JsonRpcMessage, options?: TransportSendOptions): Promise<void> {
    if (this.#closing) throw new Error('Linked transport is closed');
    this.sent.push({ message, options });
    const wire = JSON.stringify(message);
    const other = this.other;
    queueMicrotask(() => other.receive(JSON.parse(wire)));
  }

  async close(): Promise<void> {
    this.#closeBoth({});
  }

  inject(value: unknown): void {
    queueMicrotask(() => this.receive(value));
  }

  fail(error: Error): void {
    this.#closeBoth({ error });
  }

  receive(value: unknown): void {
    if (this.#closed) return;
    if (!this.#started) {
      this.#early.push(value);
      return;
    }
    this.#deliver(value);
  }

  #deliver(value: unknown): void {
    this.onmessage?.(value);
  }

  #closeBoth(info: TransportCloseInfo): void {
    // Close after already-queued deliveries, so onclose comes after the last onmessage.
    this.markClosing();
    this.other.markClosing();
    queueMicrotask(() => {
      this.finish(info);
      this.other.finish(info);
    });
  }

  markClosing(): void {
    this.#closing = true;
  }

  finish(info: TransportCloseInfo): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onclose?.(info);
  }
}
