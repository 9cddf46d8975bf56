import { z } from 'zod';

/**
 * Schema for a run's status. A skipped outcome is `completed` with a skipped result (the
 * reference reports it as `failed`; we do not). `paused` waits for a human answer or a timer.
 */
export const RunStatusSchema = z.enum(['running', 'paused', 'completed', 'failed', 'cancelled']);

/** A run's status: `running | paused | completed | failed | cancelled`. */
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** The statuses a run never leaves once it reaches them. */
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

/** Whether `status` is final: `completed`, `failed` or `cancelled`. */
export function isTerminalRunStatus(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.includes(status);
}

/** Schema for a step's status within a run (the fold of the run's events). */
export const StepStatusSchema = z.enum([
  'blocked',
  'runnable',
  'running',
  'paused',
  'completed',
  'skipped',
  'failed',
]);

/** A step's status: `blocked | runnable | running | paused | completed | skipped | failed`. */
export type StepStatus = z.infer<typeof StepStatusSchema>;
