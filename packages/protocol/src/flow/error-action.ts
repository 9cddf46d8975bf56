import { z } from 'zod';
import { ValueTemplateSchema } from './value-template.ts';

/** Schema for `onError: {action: 'fail'}`: the step stays failed (default). */
export const OnErrorFailSchema = z.looseObject({
  action: z.literal('fail'),
});

/** Schema for `onError: {action: 'skip'}`: a failed step is recorded as skipped. */
export const OnErrorSkipSchema = z.looseObject({
  action: z.literal('skip'),
});

/**
 * Schema for `onError: {action: 'useDefault', defaultValue?}`: a failed step succeeds with the
 * resolved `defaultValue` template (`null` when absent).
 */
export const OnErrorDefaultSchema = z.looseObject({
  action: z.literal('useDefault'),
  /** Replacement value; may reference other steps with `$from`. */
  defaultValue: ValueTemplateSchema.nullish(),
});

/** Schema for the retry backoff (extension): delays grow from `initialMs` by `multiplier` up to `maxMs`. */
export const RetryBackoffSchema = z.looseObject({
  /** Delay before the second attempt, in milliseconds (default 100). */
  initialMs: z.number().min(0).optional(),
  /** Factor applied to the delay after each attempt (default 2). */
  multiplier: z.number().min(1).optional(),
  /** Upper bound of the delay, in milliseconds (default 10000). */
  maxMs: z.number().min(0).optional(),
  /** Randomise each delay to spread retries out (on unless `false`). */
  jitter: z.boolean().optional(),
});

/** The retry backoff settings. */
export type RetryBackoff = z.infer<typeof RetryBackoffSchema>;

/**
 * Schema for `onError: {action: 'retry', maxAttempts?, backoff?}`: run the step again on failure.
 * `maxAttempts` (default 3, counting the first attempt) and `backoff` are Stepflow TS extensions.
 */
export const OnErrorRetrySchema = z.looseObject({
  action: z.literal('retry'),
  /** Total attempts including the first (default 3). */
  maxAttempts: z.int().min(1).optional(),
  /** Delay between attempts. */
  backoff: RetryBackoffSchema.optional(),
});

/** Schema for what happens when a step fails (tag `action`). */
export const ErrorActionSchema = z.discriminatedUnion('action', [
  OnErrorFailSchema,
  OnErrorSkipSchema,
  OnErrorDefaultSchema,
  OnErrorRetrySchema,
]);

/** What happens when a step fails: fail, skip, use a default, or retry. */
export type ErrorAction = z.infer<typeof ErrorActionSchema>;
