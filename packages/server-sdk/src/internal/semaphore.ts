/** A FIFO counting semaphore; `acquire` resolves with a one-shot release function. */
export interface Semaphore {
  /** Takes a free slot at once, or returns `undefined` when none is free (or others wait). */
  tryAcquire(): (() => void) | undefined;
  acquire(signal?: AbortSignal): Promise<() => void>;
  /** Executions waiting for a slot. */
  readonly waiting: number;
}

const NOOP = () => {};

/** Creates a semaphore with `limit` slots; `Infinity` (or undefined) never waits. */
export function createSemaphore(limit: number | undefined): Semaphore {
  if (limit === undefined || limit === Infinity) {
    return { tryAcquire: () => NOOP, acquire: () => Promise.resolve(NOOP), waiting: 0 };
  }
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`maxConcurrency must be a positive integer, got ${String(limit)}`);
  }
  let free = limit;
  const queue: Array<{ grant: () => void }> = [];
  const releaseOnce = () => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = queue.shift();
      if (next) next.grant();
      else free += 1;
    };
  };
  return {
    get waiting() {
      return queue.length;
    },
    tryAcquire() {
      if (free > 0 && queue.length === 0) {
        free -= 1;
        return releaseOnce();
      }
      return undefined;
    },
    acquire(signal) {
      if (free > 0) {
        free -= 1;
        return Promise.resolve(releaseOnce());
      }
      return new Promise((resolve, reject) => {
        const waiter = {
          grant: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve(releaseOnce());
          },
        };
        const onAbort = () => {
          const index = queue.indexOf(waiter);
          if (index >= 0) queue.splice(index, 1);
          reject(
            signal?.reason instanceof Error ? signal.reason : new Error('aborted while queued'),
          );
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(waiter);
      });
    },
  };
}
