/** How a component server plugin restarts a server that crashed or could not start. */
export interface RestartPolicy {
  /** Failures in a row (start-up failures and crashes) after which the plugin is dead. Default 5. */
  readonly maxConsecutiveFailures: number;
  /** Wait before the first restart, in milliseconds; doubles after each further failure. Default 100. */
  readonly initialDelayMs: number;
  /** Longest wait between restarts, in milliseconds. Default 5000. */
  readonly maxDelayMs: number;
}

/** The default restart policy: 5 failures in a row, waits of 100, 200, 400, 800 ms. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  maxConsecutiveFailures: 5,
  initialDelayMs: 100,
  maxDelayMs: 5000,
};

/** The wait before the next (re)start after `failures` failures in a row (0 → start at once). */
export function restartDelay(policy: RestartPolicy, failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (failures - 1));
}
