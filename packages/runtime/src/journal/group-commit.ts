import type { RunEvent } from '../scheduler/run-event.ts';
import { RefusedAppendsError } from './refused-appends-error.ts';

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
  let waiters: {
    runId: string;
    resolve: () => void;
    reject: (error: unknown) => void;
  }[] = [];
  let flushing = false;

  const flush = (): void => {
    if (flushing || queue.length === 0) return;
    flushing = true;
    const events = queue;
    const settled = waiters;
    queue = [];
    waiters = [];
    append(events)
      .then(
        () => {
          for (const waiter of settled) waiter.resolve();
        },
        (error: unknown) => {
          // Only the refused runs' writers fail; the others' events were written.
          const refused = RefusedAppendsError.isInstance(error) ? error.refused : undefined;
          for (const waiter of settled) {
            if (refused === undefined) waiter.reject(error);
            else if (refused.has(waiter.runId)) waiter.reject(refused.get(waiter.runId));
            else waiter.resolve();
          }
        },
      )
      .finally(() => {
        flushing = false;
        flush();
      });
  };

  return (event) =>
    new Promise<void>((resolve, reject) => {
      queue.push(event);
      waiters.push({ runId: event.runId, resolve, reject });
      // Events produced in the same turn of the event loop (one batch of I/O callbacks and the
      // promise jobs they start) join one commit.
      if (queue.length === 1 && !flushing) setImmediate(flush);
    });
}
