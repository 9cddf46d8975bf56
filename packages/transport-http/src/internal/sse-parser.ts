/**
 * An incremental parser for `text/event-stream` bodies that yields the first `data:` line of
 * each event, the way the reference runtime reads streamable HTTP responses.
 */
export class SseParser {
  readonly #decoder = new TextDecoder();
  readonly #maxEventBytes: number;
  readonly #onEvent: (data: string) => void;
  #buffer = '';
  #data: string | undefined;
  #eventChars = 0;

  constructor(maxEventBytes: number, onEvent: (data: string) => void) {
    this.#maxEventBytes = maxEventBytes;
    this.#onEvent = onEvent;
  }

  /**
   * Feeds one chunk, passing the data of every event it completes to `onEvent`. Throws a
   * `RangeError` (after the events before it) when an event grows beyond the limit.
   */
  push(chunk: Uint8Array): void {
    this.#buffer += this.#decoder.decode(chunk, { stream: true });
    this.#drain(false);
  }

  /** Ends the stream, passing on a last event that was not terminated by a blank line. */
  end(): void {
    this.#buffer += this.#decoder.decode();
    this.#drain(true);
    if (this.#data !== undefined) this.#onEvent(this.#data);
    this.#data = undefined;
  }

  #drain(final: boolean): void {
    let start = 0;
    try {
      for (;;) {
        const lf = this.#buffer.indexOf('\n', start);
        const cr = this.#buffer.indexOf('\r', start);
        let end: number;
        let next: number;
        if (cr !== -1 && (lf === -1 || cr < lf)) {
          // A lone CR at the end of a chunk may be the first half of CRLF: wait for more.
          if (cr === this.#buffer.length - 1 && !final) break;
          end = cr;
          next = this.#buffer[cr + 1] === '\n' ? cr + 2 : cr + 1;
        } else if (lf !== -1) {
          end = lf;
          next = lf + 1;
        } else {
          break;
        }
        const line = this.#buffer.slice(start, end);
        start = next;
        this.#line(line);
      }
    } finally {
      this.#buffer = this.#buffer.slice(start);
    }
    if (this.#eventChars + this.#buffer.length > this.#maxEventBytes) {
      throw new RangeError(`an SSE event exceeds the maximum of ${this.#maxEventBytes} bytes`);
    }
  }

  #line(line: string): void {
    if (line === '') {
      const data = this.#data;
      this.#data = undefined;
      this.#eventChars = 0;
      if (data !== undefined) this.#onEvent(data);
      return;
    }
    this.#eventChars += line.length;
    if (this.#eventChars > this.#maxEventBytes) {
      throw new RangeError(`an SSE event exceeds the maximum of ${this.#maxEventBytes} bytes`);
    }
    if (this.#data !== undefined || !line.startsWith('data:')) return;
    this.#data = line.startsWith('data: ') ? line.slice(6) : line.slice(5);
  }
}
