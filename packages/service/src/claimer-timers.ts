/** Time and timers of the {@link WorkClaimer}, injected so a test can drive them by hand. */
export interface ClaimerTimers {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` every `ms` until the returned stop is called. */
  every(ms: number, fn: () => void): () => void;
  /** Calls `fn` once after `ms`, unless the returned stop is called first. */
  after(ms: number, fn: () => void): () => void;
}

/** The system's clock and timers; the timers never keep the process alive on their own. */
export const systemClaimerTimers: ClaimerTimers = {
  now: () => Date.now(),
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
