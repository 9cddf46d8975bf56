import { z } from 'zod';
import { JsonValueSchema } from '../json-value.ts';

/** Schema for `onSkip: {action: 'skip'}`: a skipped referenced value skips the consumer (default). */
export const OnSkipSkipSchema = z.looseObject({
  action: z.literal('skip'),
});

/**
 * Schema for `onSkip: {action: 'useDefault', defaultValue?}`: a skipped referenced value becomes
 * `defaultValue` (a plain JSON value, not a template), or `null` when absent.
 */
export const OnSkipDefaultSchema = z.looseObject({
  action: z.literal('useDefault'),
  /** Replacement value, taken verbatim. */
  defaultValue: JsonValueSchema.optional(),
});

/** Schema for what a reference does when the referenced step was skipped (tag `action`). */
export const SkipActionSchema = z.discriminatedUnion('action', [
  OnSkipSkipSchema,
  OnSkipDefaultSchema,
]);

/** What a reference does when the referenced step was skipped. */
export type SkipAction = z.infer<typeof SkipActionSchema>;
