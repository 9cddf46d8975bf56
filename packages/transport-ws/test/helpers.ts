// Helpers shared by this package's tests (not part of the public API).
import { createServer } from 'node:net';

/** A queue of values that tests can await one at a time. */
export class Inbox<T = unknown> {
  readonly #items: T[] = [];
  readonly #waiters: ((value: T) => void)[] = [];

  push = (value: T): void => {
    const waiter = this.#waiters.shift();
    if (waiter === undefined) this.#items.push(value);
    else waiter(value);
  };

  next(): Promise<T> {
    const item = this.#items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  get size(): number {
    return this.#items.length;
  }
}

/** A port that nothing listens on (bound, then released). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
