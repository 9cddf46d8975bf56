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

/**
 * Arms the timeout and abort triggers of one pending request and returns how to disarm both.
 * The timer is unref'd: a pending request alone never keeps the process alive.
 */
export function armRequestDeadline(options: DeadlineOptions): Disarm {
  const { timeoutMs, signal } = options;
  const hasTimeout = timeoutMs !== undefined && Number.isFinite(timeoutMs);
  if (!hasTimeout && signal === undefined) return noop;

  let timer: NodeJS.Timeout | undefined;
  let onAbortEvent: (() => void) | undefined;
  const disarm: Disarm = () => {
    if (timer !== undefined) clearTimeout(timer);
    if (onAbortEvent !== undefined) signal?.removeEventListener('abort', onAbortEvent);
    timer = undefined;
    onAbortEvent = undefined;
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
    onAbortEvent = () => {
      const reason: unknown = signal.reason;
      disarm();
      options.onAbort(reason);
    };
    signal.addEventListener('abort', onAbortEvent, { once: true });
  }
  return disarm;
}
