import type { RunEvent } from '../scheduler/run-event.ts';

/** Appends one event and resolves when it is durable. */
export type PersistEvent = (event: RunEvent) => Promise<void>;

/**
 * Batches appends into group commits: while one append is in flight, events queue up and go in
 * the next one together. A fan-out of a thousand steps that finish close together is then a few
 * transactions, not a thousand, and a lone step waits for one append only.
 */
export function createGroupCommit(
  append: (events: readonly RunEvent[]) => Promise<void>,
): PersistEvent {
  let queue: RunEvent[] = [];
  // One promise per commit, shared by its events: a thousand events are not a thousand promises.
  let commit:
    { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } | undefined;
  let flushing = false;

  const flush = (): void => {
    if (flushing || commit === undefined) return;
    flushing = true;
    const events = queue;
    const settled = commit;
    queue = [];
    commit = undefined;
    append(events)
      .then(settled.resolve, settled.reject)
      .finally(() => {
        flushing = false;
        flush();
      });
  };

  return (event) => {
    queue.push(event);
    if (commit === undefined) {
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<void>((done, fail) => {
        resolve = done;
        reject = fail;
      });
      commit = { promise, resolve, reject };
      // Events produced in the same turn of the event loop (one batch of I/O callbacks and the
      // promise jobs they start) join one commit.
      if (!flushing) setImmediate(flush);
    }
    return commit.promise;
  };
}
