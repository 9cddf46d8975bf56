import type { Readable, Writable } from 'node:stream';
import type { JsonRpcMessage } from '@stepflow/jsonrpc';
import { DEFAULT_MAX_MESSAGE_BYTES, type FramingOptions } from '../framing-options.ts';
import { InvalidJsonLineError } from '../invalid-json-line-error.ts';
import { MessageTooLargeError } from '../message-too-large-error.ts';
import { LineDecoder } from './line-decoder.ts';
import { readEnvelopeHead, readTrailingId, type EnvelopeHead } from './read-envelope.ts';

const PREVIEW_CHARS = 120;

/** Where a framed stream delivers what it reads. */
export interface FramedStreamSink {
  onMessage(message: unknown): void;
  onError(error: Error): void;
  /** The readable side ended (EOF) or failed. Called once. */
  onEnd(error: Error | undefined): void;
}

interface Deferred {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A sender that ignores the promise must not turn a write failure into a crash.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** A batch this large is written at once instead of waiting for the end of the tick. */
const BATCH_FLUSH_CHARS = 64 * 1024;

/**
 * Newline-delimited JSON over a readable and a writable byte stream.
 *
 * Reading: bounded line splitting, `JSON.parse` per line, blank lines skipped, bad lines reported
 * and dropped. Writing: one `JSON.stringify` + `\n` per message; messages sent in the same tick
 * go out in one `write()` (one syscall instead of dozens under load), and their `send` promises
 * resolve once that write happened; when `write()` returns false, later messages collect (in
 * order) until `'drain'` instead of piling into the stream's buffer.
 */
export class FramedStream {
  readonly #readable: Readable;
  readonly #writable: Writable;
  readonly #maxBytes: number;
  readonly #onNonJsonLine: ((line: string) => void) | undefined;
  #sink: FramedStreamSink | undefined;
  #decoder: LineDecoder;
  #waitingForDrain = false;
  /** Messages sent during the current tick, written together in one `write()` on the next. */
  #batch = '';
  /** Settles the sends of the current batch. */
  #batchDone: Deferred | undefined;
  #flushScheduled = false;
  #writeError: Error | undefined;
  #ended = false;
  #stopped = false;
  /** An oversized line whose id was not in its head: reported once its end shows the id. */
  #oversizedPending: { head: string; bytes: number; envelope: EnvelopeHead } | undefined;

  constructor(readable: Readable, writable: Writable, options: FramingOptions) {
    this.#readable = readable;
    this.#writable = writable;
    this.#maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#onNonJsonLine = options.onNonJsonLine;
    this.#decoder = new LineDecoder(this.#maxBytes, {
      onLine: (line) => this.#line(line),
      onOversized: (head, bytes) => this.#oversized(head, bytes),
      onOversizedEnd: (tail) => this.#oversizedEnd(tail),
    });
    // Errors on either stream must never become uncaught exceptions.
    writable.on('error', this.#onWriteError);
    readable.on('error', this.#onReadError);
  }

  /** Starts reading and delivering to `sink`. */
  start(sink: FramedStreamSink): void {
    this.#sink = sink;
    this.#readable.on('data', this.#onData);
    this.#readable.on('end', this.#onReadEnd);
    this.#readable.resume();
  }

  /** Stops reading and writes what is batched; the streams themselves stay open. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#readable.off('data', this.#onData);
    this.#readable.off('end', this.#onReadEnd);
    this.#readable.pause();
    this.#writable.off('drain', this.#drained);
    // Messages already accepted are still written (the stream buffers them past its mark).
    this.#writeBatch();
  }

  /** Serialises and writes one message, respecting backpressure. */
  send(message: JsonRpcMessage): Promise<void> {
    if (this.#stopped) return Promise.reject(new Error('Transport is closed'));
    if (this.#writeError !== undefined) return Promise.reject(this.#writeError);
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (error) {
      return Promise.reject(
        new TypeError(`Message cannot be serialised as JSON: ${(error as Error).message}`, {
          cause: error,
        }),
      );
    }
    // Cheap bound first: a UTF-8 byte is at most 3 per UTF-16 unit.
    if (text.length * 3 > this.#maxBytes && Buffer.byteLength(text) > this.#maxBytes) {
      return Promise.reject(
        new MessageTooLargeError(
          'outgoing',
          this.#maxBytes,
          text.slice(0, 120),
          `${Buffer.byteLength(text)} bytes`,
        ),
      );
    }
    text += '\n';
    if (this.#batch.length === 0) this.#batchDone = deferred();
    this.#batch += text;
    const done = this.#batchDone!.promise;
    if (!this.#waitingForDrain) {
      if (this.#batch.length >= BATCH_FLUSH_CHARS) {
        this.flush();
      } else if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        process.nextTick(this.#scheduledFlush);
      }
    }
    return done;
  }

  /**
   * Writes the messages batched so far now, unless the stream asked to wait for `'drain'`
   * (then the drain writes them).
   */
  flush(): void {
    if (!this.#waitingForDrain) this.#writeBatch();
  }

  /** Hands the batch to the stream in one `write()` and settles its senders. */
  #writeBatch(): void {
    const text = this.#batch;
    const done = this.#batchDone;
    if (text.length === 0 || done === undefined) return;
    this.#batch = '';
    this.#batchDone = undefined;
    const writable = this.#writable;
    if (this.#writeError !== undefined) {
      done.reject(this.#writeError);
      return;
    }
    if (writable.writableEnded || writable.destroyed) {
      done.reject(new Error('Transport is closed: the output stream has ended'));
      return;
    }
    if (!writable.write(text) && !this.#stopped) {
      this.#waitingForDrain = true;
      writable.once('drain', this.#drained);
    }
    done.resolve();
  }

  readonly #scheduledFlush = (): void => {
    this.#flushScheduled = false;
    this.flush();
  };

  readonly #drained = (): void => {
    this.#waitingForDrain = false;
    this.#writeBatch();
  };

  readonly #onData = (chunk: Buffer | string): void => {
    this.#decoder.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  };

  readonly #onReadEnd = (): void => {
    this.#decoder.end();
    this.#end(undefined);
  };

  readonly #onReadError = (error: Error): void => {
    this.#end(error);
  };

  readonly #onWriteError = (error: Error): void => {
    if (this.#writeError !== undefined) return;
    this.#writeError = error;
    const done = this.#batchDone;
    this.#batch = '';
    this.#batchDone = undefined;
    done?.reject(error);
  };

  #end(error: Error | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    if (!this.#stopped) this.#sink?.onEnd(error);
  }

  /**
   * An incoming line crossed the limit. Its envelope's id, when its head shows it, goes with the
   * error at once (so the request it answers fails now); otherwise the line's end is awaited,
   * where a last member `"id": …` may still show it.
   */
  #oversized(head: string, bytes: number): void {
    const envelope = readEnvelopeHead(head);
    if (envelope.id !== undefined) {
      this.#reportOversized(head, bytes, envelope.id, envelope.kind);
      return;
    }
    this.#oversizedPending = { head, bytes, envelope };
  }

  #oversizedEnd(tail: string): void {
    const pending = this.#oversizedPending;
    if (pending === undefined) return;
    this.#oversizedPending = undefined;
    this.#reportOversized(pending.head, pending.bytes, readTrailingId(tail), pending.envelope.kind);
  }

  #reportOversized(
    head: string,
    bytes: number,
    id: EnvelopeHead['id'],
    kind: EnvelopeHead['kind'],
  ): void {
    const dropped = id !== undefined && kind !== undefined ? { id, kind } : undefined;
    this.#sink?.onError(
      new MessageTooLargeError(
        'incoming',
        this.#maxBytes,
        head.slice(0, PREVIEW_CHARS),
        `more than ${bytes} bytes`,
        dropped,
      ),
    );
  }

  #line(line: string): void {
    if (this.#stopped) return;
    // Blank lines (keep-alives, a stray CRLF) carry nothing.
    if (line.length === 0 || (line.charCodeAt(0) <= 0x20 && line.trim().length === 0)) return;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch (error) {
      if (this.#onNonJsonLine === undefined) {
        this.#sink?.onError(new InvalidJsonLineError(line, error));
        return;
      }
      try {
        this.#onNonJsonLine(line);
      } catch (callbackError) {
        this.#sink?.onError(
          new Error(`onNonJsonLine callback failed: ${String(callbackError)}`, {
            cause: callbackError,
          }),
        );
      }
      return;
    }
    this.#sink?.onMessage(message);
  }
}
