/**
 * A queue of values that a test awaits one at a time: pass `push` as a callback (a transport's
 * `onmessage`, `onclose`, a peer's handler) and `await next()` for each value it received.
 */
export class Inbox<T = unknown> {
  readonly #items: T[] = [];
  readonly #waiters: ((value: T) => void)[] = [];

  /** Adds a value, handing it to the oldest waiting `next()` if there is one. */
  push = (value: T): void => {
    const waiter = this.#waiters.shift();
    if (waiter === undefined) this.#items.push(value);
    else waiter(value);
  };

  /** The oldest value not yet taken, waiting for the next `push` if there is none. */
  next(): Promise<T> {
    const item = this.#items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** How many values wait to be taken. */
  get size(): number {
    return this.#items.length;
  }
}
