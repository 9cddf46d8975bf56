import type { AbortHandle } from './abort-handle.ts';

/** How long to wait before retry number `attempt` (1-based): exponential, capped. */
export function backoffDelay(
  attempt: number,
  policy: {
    readonly initialDelayMs: number;
    readonly multiplier: number;
    readonly maxDelayMs: number;
  },
): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (attempt - 1));
}

/** Resolves after `ms`, or rejects with the handle's reason when it aborts first. */
export function delay(ms: number, abort: AbortHandle): Promise<void> {
  return new Promise((resolve, reject) => {
    if (abort.aborted) {
      reject(abort.reason ?? new Error('aborted'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abort.reason ?? new Error('aborted'));
    };
    const timer = setTimeout(() => {
      abort.off('abort', onAbort);
      resolve();
    }, ms);
    abort.once('abort', onAbort);
  });
}
