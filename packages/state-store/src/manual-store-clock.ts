import type { StoreClock } from './store-clock.ts';

/** A clock that moves only when told to, for deterministic lease and timestamp tests. */
export interface ManualStoreClock extends StoreClock {
  /** Moves time forward by `ms`. */
  advance(ms: number): void;
  /** Sets the time. */
  set(time: number): void;
}

/** Creates a manual clock starting at `start` (ms since the epoch; default 2024-01-01). */
export function createManualStoreClock(start = Date.UTC(2024, 0, 1)): ManualStoreClock {
  let time = start;
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
    set: (value) => {
      time = value;
    },
  };
}
