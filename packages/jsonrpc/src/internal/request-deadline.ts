/** What ends a pending request early. */
export interface DeadlineOptions {
  /** Milliseconds until `onTimeout`; `undefined` or `Infinity` for none. */
  readonly timeoutMs: number | undefined;
  /** Fires `onAbort` with the signal's reason. */
  readonly signal: AbortSignal | undefined;
  readonly onTimeout: () => void;
  readonly onAbort: (reason: unknown) => void;
}

/** Disarms a deadline; safe to call more than once. */
export type Disarm = () => void;

const noop: Disarm = () => {};

/** The abort callbacks of the pending requests watching one signal, and the listener calling them. */
interface Watch {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

/**
 * One abort listener per signal, shared by every pending request watching it.
 * `EventTarget.addEventListener` scans the signal's listener list for duplicates, so a listener
 * per request makes a fan-out of n requests sharing a run's signal cost O(n²); a Set is O(1).
 */
const watches = new WeakMap<AbortSignal, Watch>();

/** Calls `onAbort` once when `signal` aborts; returns how to stop watching. */
function watchAbort(signal: AbortSignal, onAbort: () => void): () => void {
  let watch = watches.get(signal);
  if (watch === undefined) {
    const callbacks = new Set<() => void>();
    const listener = (): void => {
      watches.delete(signal);
      // Callbacks removed while this runs (a disarm) are skipped, as removed listeners are.
      for (const callback of callbacks) callback();
      callbacks.clear();
    };
    watch = { callbacks, listener };
    watches.set(signal, watch);
    signal.addEventListener('abort', listener, { once: true });
  }
  const own = watch;
  own.callbacks.add(onAbort);
  return () => {
    // When the last request stops watching, the signal is left without our listener.
    if (own.callbacks.delete(onAbort) && own.callbacks.size === 0 && watches.get(signal) === own) {
      watches.delete(signal);
      signal.removeEventListener('abort', own.listener);
    }
  };
}

/**
 * Arms the timeout and abort triggers of one pending request and returns how to disarm both.
 * The timer is unref'd: a pending request alone never keeps the process alive.
 */
export function armRequestDeadline(options: DeadlineOptions): Disarm {
  const { timeoutMs, signal } = options;
  const hasTimeout = timeoutMs !== undefined && Number.isFinite(timeoutMs);
  if (!hasTimeout && signal === undefined) return noop;

  let timer: NodeJS.Timeout | undefined;
  let unwatch: (() => void) | undefined;
  const disarm: Disarm = () => {
    if (timer !== undefined) clearTimeout(timer);
    unwatch?.();
    timer = undefined;
    unwatch = undefined;
  };
  if (hasTimeout) {
    timer = setTimeout(
      () => {
        disarm();
        options.onTimeout();
      },
      Math.max(0, timeoutMs),
    );
    timer.unref();
  }
  if (signal !== undefined) {
    unwatch = watchAbort(signal, () => {
      const reason: unknown = signal.reason;
      disarm();
      options.onAbort(reason);
    });
  }
  return disarm;
}
