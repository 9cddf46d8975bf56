import type { RunEvent } from '../scheduler/run-event.ts';
import { RefusedAppendsError } from './refused-appends-error.ts';

/** Appends one event and resolves when it is durable. */
export type PersistEvent = (event: RunEvent) => Promise<void>;

interface Pending {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

function pending(): Pending {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((done, fail) => {
    resolve = done;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/**
 * Batches appends into group commits: while one append is in flight, events queue up and go in
 * the next one together. A fan-out of a thousand steps that finish close together is then a few
 * transactions, not a thousand, and a lone step waits for one append only.
 */
export function createGroupCommit(
  append: (events: readonly RunEvent[]) => Promise<void>,
): PersistEvent {
  let queue: RunEvent[] = [];
  // One promise per run per commit, shared by its events (a thousand events are not a thousand
  // promises), so a store that refuses one run's appends fails that run's writers alone.
  let commit: Map<string, Pending> | undefined;
  let flushing = false;

  const flush = (): void => {
    if (flushing || commit === undefined) return;
    flushing = true;
    const events = queue;
    const settled = commit;
    queue = [];
    commit = undefined;
    append(events)
      .then(
        () => {
          for (const run of settled.values()) run.resolve();
        },
        (error: unknown) => {
          // Only the refused runs' writers fail; the others' events were written.
          const refused = RefusedAppendsError.isInstance(error) ? error.refused : undefined;
          for (const [runId, run] of settled) {
            if (refused === undefined) run.reject(error);
            else if (refused.has(runId)) run.reject(refused.get(runId));
            else run.resolve();
          }
        },
      )
      .finally(() => {
        flushing = false;
        flush();
      });
  };

  return (event) => {
    queue.push(event);
    if (commit === undefined) {
      commit = new Map();
      // Events produced in the same turn of the event loop (one batch of I/O callbacks and the
      // promise jobs they start) join one commit.
      if (!flushing) setImmediate(flush);
    }
    let run = commit.get(event.runId);
    if (run === undefined) commit.set(event.runId, (run = pending()));
    return run.promise;
  };
}
