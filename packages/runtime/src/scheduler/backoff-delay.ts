import type { RandomSource } from '../clock.ts';
import type { RetryBackoffPolicy } from './flow-plan.ts';

/**
 * Delay before the next attempt after `failures` failed attempts: `initialMs * multiplier^(failures-1)`
 * capped at `maxMs`; with jitter, a random point in the upper half of that (equal jitter), so
 * retries of many steps spread out but never wait less than half the nominal delay.
 */
export function backoffDelay(
  policy: RetryBackoffPolicy,
  failures: number,
  random: RandomSource,
): number {
  const nominal = Math.min(
    policy.maxMs,
    policy.initialMs * policy.multiplier ** Math.max(0, failures - 1),
  );
  if (!policy.jitter) return nominal;
  return Math.round(nominal / 2 + random() * (nominal / 2));
}
