/** Callbacks of a {@link LineDecoder}. */
export interface LineDecoderHandlers {
  /** One complete line, without its `\n` or a trailing `\r`. */
  readonly onLine: (line: string) => void;
  /**
   * A line grew past the limit. Called once per such line, as soon as the limit is crossed;
   * the rest of the line is discarded up to its newline without being buffered.
   */
  readonly onOversized: (preview: string, bytesSoFar: number) => void;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const PREVIEW_CHARS = 120;

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
        this.#discarding = false;
      } else if (this.#size === 0) {
        // Fast path: the whole line is inside this chunk.
        if (newline - start > this.#maxLineBytes) {
          this.#handlers.onOversized(preview(chunk, start, newline), newline - start);
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
          this.#discarding = false;
        }
      }
      start = newline + 1;
    }
  }

  /** Ends the stream: a last line without a newline is still delivered. */
  end(): void {
    if (this.#discarding || this.#size === 0) {
      this.#reset();
      return;
    }
    const line = Buffer.concat(this.#parts, this.#size);
    this.#reset();
    this.#emit(line, 0, line.length);
  }

  #append(chunk: Buffer, start: number, end: number): void {
    if (this.#discarding || start === end) return;
    const size = this.#size + (end - start);
    if (size > this.#maxLineBytes) {
      const head = Buffer.concat([...this.#parts, chunk.subarray(start, end)].map(limit));
      const shown = preview(head, 0, head.length);
      this.#reset();
      this.#discarding = true;
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

  #reset(): void {
    this.#parts = [];
    this.#size = 0;
    this.#discarding = false;
  }
}

/** At most the bytes a preview can show. */
function limit(buffer: Buffer): Buffer {
  return buffer.length > PREVIEW_CHARS * 4 ? buffer.subarray(0, PREVIEW_CHARS * 4) : buffer;
}

function preview(buffer: Buffer, start: number, end: number): string {
  return buffer
    .toString('utf8', start, Math.min(end, start + PREVIEW_CHARS * 4))
    .slice(0, PREVIEW_CHARS);
}
