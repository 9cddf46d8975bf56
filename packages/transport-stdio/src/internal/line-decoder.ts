/** Callbacks of a {@link LineDecoder}. */
export interface LineDecoderHandlers {
  /** One complete line, without its `\n` or a trailing `\r`. */
  readonly onLine: (line: string) => void;
  /**
   * A line grew past the limit. Called once per such line, as soon as the limit is crossed, with
   * its first bytes (at most {@link HEAD_BYTES}, decoded); the rest of the line is discarded up
   * to its newline without being buffered.
   */
  readonly onOversized: (head: string, bytesSoFar: number) => void;
  /** The oversized line ended (newline or end of stream); `tail` is its last bytes, decoded. */
  readonly onOversizedEnd?: (tail: string) => void;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
/** How much of the start of an oversized line `onOversized` gets. */
export const HEAD_BYTES = 1024;
/** How much of the end of an oversized line `onOversizedEnd` gets. */
const TAIL_BYTES = 256;

/**
 * Splits a byte stream into newline-delimited UTF-8 lines with a bounded buffer: at most
 * `maxLineBytes` bytes of an unfinished line are ever held.
 *
 * Lines are split on bytes, never inside a multi-byte character (`\n` cannot occur inside one),
 * and decoded whole.
 */
export class LineDecoder {
  readonly #maxLineBytes: number;
  readonly #handlers: LineDecoderHandlers;
  /** Chunks of the unfinished line. */
  #parts: Buffer[] = [];
  #size = 0;
  /** Inside an oversized line: dropping bytes until the next newline. */
  #discarding = false;
  /** The last bytes dropped of the oversized line (at most `TAIL_BYTES`). */
  #tail: Buffer = Buffer.alloc(0);

  constructor(maxLineBytes: number, handlers: LineDecoderHandlers) {
    this.#maxLineBytes = maxLineBytes;
    this.#handlers = handlers;
  }

  /** Feeds the next chunk of the stream. */
  push(chunk: Buffer): void {
    let start = 0;
    const length = chunk.length;
    while (start < length) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) {
        this.#append(chunk, start, length);
        return;
      }
      if (this.#discarding) {
        this.#keepTail(chunk, start, newline);
        this.#endOversized();
      } else if (this.#size === 0) {
        // Fast path: the whole line is inside this chunk.
        if (newline - start > this.#maxLineBytes) {
          this.#handlers.onOversized(decode(chunk, start, newline, HEAD_BYTES), newline - start);
          this.#keepTail(chunk, start, newline);
          this.#endOversized();
        } else {
          this.#emit(chunk, start, newline);
        }
      } else {
        this.#append(chunk, start, newline);
        if (!this.#discarding) {
          const line = Buffer.concat(this.#parts, this.#size);
          this.#parts = [];
          this.#size = 0;
          this.#emit(line, 0, line.length);
        } else {
          this.#endOversized();
        }
      }
      start = newline + 1;
    }
  }

  /** Ends the stream: a last line without a newline is still delivered. */
  end(): void {
    if (this.#discarding) this.#endOversized();
    if (this.#size === 0) {
      this.#reset();
      return;
    }
    const line = Buffer.concat(this.#parts, this.#size);
    this.#reset();
    this.#emit(line, 0, line.length);
  }

  #append(chunk: Buffer, start: number, end: number): void {
    if (start === end) return;
    if (this.#discarding) {
      this.#keepTail(chunk, start, end);
      return;
    }
    const size = this.#size + (end - start);
    if (size > this.#maxLineBytes) {
      const parts = [...this.#parts, chunk.subarray(start, end)];
      const head = Buffer.concat(parts.map(limit));
      const shown = decode(head, 0, head.length, HEAD_BYTES);
      this.#reset();
      this.#discarding = true;
      for (const part of parts.slice(-2)) this.#keepTail(part, 0, part.length);
      this.#handlers.onOversized(shown, size);
      return;
    }
    // Copy: the stream may reuse the chunk's memory.
    this.#parts.push(Buffer.from(chunk.subarray(start, end)));
    this.#size = size;
  }

  #emit(buffer: Buffer, start: number, end: number): void {
    if (end > start && buffer[end - 1] === CARRIAGE_RETURN) end -= 1;
    this.#handlers.onLine(buffer.toString('utf8', start, end));
  }

  /** Remembers the last `TAIL_BYTES` of what is dropped of an oversized line. */
  #keepTail(chunk: Buffer, start: number, end: number): void {
    const from = Math.max(start, end - TAIL_BYTES);
    const keep = Math.max(0, TAIL_BYTES - (end - from));
    this.#tail = Buffer.concat([
      this.#tail.subarray(Math.max(0, this.#tail.length - keep)),
      chunk.subarray(from, end),
    ]);
  }

  #endOversized(): void {
    const tail = this.#tail;
    this.#tail = Buffer.alloc(0);
    this.#discarding = false;
    this.#handlers.onOversizedEnd?.(tail.toString('utf8'));
  }

  #reset(): void {
    this.#parts = [];
    this.#size = 0;
    this.#discarding = false;
    this.#tail = Buffer.alloc(0);
  }
}

/** At most the bytes a head can show. */
function limit(buffer: Buffer): Buffer {
  return buffer.length > HEAD_BYTES ? buffer.subarray(0, HEAD_BYTES) : buffer;
}

function decode(buffer: Buffer, start: number, end: number, maxBytes: number): string {
  return buffer.toString('utf8', start, Math.min(end, start + maxBytes));
}
