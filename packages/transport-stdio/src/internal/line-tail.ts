/** Keeps the last `capacity` lines seen, oldest first. */
export class LineTail {
  readonly #capacity: number;
  #lines: string[] = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  push(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.#capacity) this.#lines.shift();
  }

  lines(): string[] {
    return [...this.#lines];
  }
}
