import { abortReason } from './internal/abort-reason.ts';

/**
 * The source of time for a runtime: timestamps of run events, retry backoff and step timeouts all
 * go through it, so a test can drive time by hand (see `createManualClock`).
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds; rejects with the signal's reason when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Produces unique ids (run ids, batch ids); the default is `crypto.randomUUID`. */
export type IdGenerator = () => string;

/** Produces numbers in `[0, 1)`; used for retry jitter. The default is `Math.random`. */
export type RandomSource = () => number;

/** The real clock: `Date.now` and timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortReason(signal));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
