/**
 * An incremental parser for `text/event-stream` bodies that yields the first `data:` line of
 * each event, the way the reference runtime reads streamable HTTP responses.
 */
export class SseParser {
  readonly #decoder = new TextDecoder();
  readonly #maxEventBytes: number;
  #buffer = '';
  #data: string | undefined;
  #eventChars = 0;

  constructor(maxEventBytes: number) {
    this.#maxEventBytes = maxEventBytes;
  }

  /** Feeds one chunk; returns the data of every event it completed. Throws when an event is too big. */
  push(chunk: Uint8Array): string[] {
    this.#buffer += this.#decoder.decode(chunk, { stream: true });
    return this.#drain(false);
  }

  /** Ends the stream; returns the data of a last event that was not terminated by a blank line. */
  end(): string[] {
    this.#buffer += this.#decoder.decode();
    const events = this.#drain(true);
    if (this.#data !== undefined) events.push(this.#data);
    this.#data = undefined;
    return events;
  }

  #drain(final: boolean): string[] {
    const events: string[] = [];
    let start = 0;
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
      this.#line(this.#buffer.slice(start, end), events);
      start = next;
    }
    this.#buffer = this.#buffer.slice(start);
    if (this.#eventChars + this.#buffer.length > this.#maxEventBytes) {
      throw new RangeError(`an SSE event exceeds the maximum of ${this.#maxEventBytes} bytes`);
    }
    return events;
  }

  #line(line: string, events: string[]): void {
    if (line === '') {
      if (this.#data !== undefined) events.push(this.#data);
      this.#data = undefined;
      this.#eventChars = 0;
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
