import type { Clock } from '../clock.ts';
import { abortReason } from '../internal/abort-reason.ts';

/** A clock that only moves when told to: for deterministic tests of backoff and timeouts. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, waking every sleeper whose time has come (in time order). */
  advance(ms: number): void;
  /** Number of sleepers waiting. */
  readonly sleepers: number;
  /** The delays (ms) sleepers asked for, in the order they asked. */
  readonly requestedDelays: readonly number[];
  /** Resolves once at least `count` sleepers are waiting. */
  whenSleeping(count?: number): Promise<void>;
}

interface Sleeper {
  readonly wakeAt: number;
  readonly resolve: () => void;
}

/** Creates a manual clock starting at `start` ms since the epoch (default 0). */
export function createManualClock(start = 0): ManualClock {
  let now = start;
  const sleepers: Sleeper[] = [];
  const requestedDelays: number[] = [];
  const watchers: { count: number; resolve: () => void }[] = [];
  const notify = (): void => {
    for (let i = watchers.length - 1; i >= 0; i--) {
      const watcher = watchers[i]!;
      if (sleepers.length >= watcher.count) {
        watchers.splice(i, 1);
        watcher.resolve();
      }
    }
  };
  return {
    now: () => now,
    sleep(ms, signal) {
      requestedDelays.push(ms);
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(abortReason(signal));
          return;
        }
        const sleeper: Sleeper = {
          wakeAt: now + ms,
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = (): void => {
          const index = sleepers.indexOf(sleeper);
          if (index !== -1) sleepers.splice(index, 1);
          reject(abortReason(signal));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        sleepers.push(sleeper);
        notify();
      });
    },
    advance(ms) {
      now += ms;
      const due = sleepers.filter((s) => s.wakeAt <= now).sort((a, b) => a.wakeAt - b.wakeAt);
      for (const sleeper of due) {
        sleepers.splice(sleepers.indexOf(sleeper), 1);
        sleeper.resolve();
      }
    },
    get sleepers() {
      return sleepers.length;
    },
    requestedDelays,
    whenSleeping(count = 1) {
      if (sleepers.length >= count) return Promise.resolve();
      return new Promise<void>((resolve) => watchers.push({ count, resolve }));
    },
  };
}
