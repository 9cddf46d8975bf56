import { z } from 'zod';
import { int64 } from '../internal/numbers.ts';
import { JsonValueSchema } from '../json-value.ts';

/** Schema for an error reported from within a flow or step: `{code, message, data?}`. */
export const FlowErrorSchema = z.looseObject({
  /** Integer code chosen by whoever produced the failure (e.g. 500 for infrastructure errors). */
  code: int64(),
  /** Human-readable description. */
  message: z.string(),
  /** Optional structured details. */
  data: JsonValueSchema.optional(),
});

/** An error reported from within a flow or step. */
export type FlowError = z.infer<typeof FlowErrorSchema>;

/** Schema for a successful flow or step result: `{outcome: 'success', result}`. */
export const FlowResultSuccessSchema = z.looseObject({
  outcome: z.literal('success'),
  /** The produced value (may be `null`, but must be present). */
  result: JsonValueSchema,
});

/**
 * A successful flow or step result; `Output` narrows `result` (a typed flow's output). Without
 * it, exactly the type {@link FlowResultSuccessSchema} parses.
 */
export interface FlowResultSuccess<Output = unknown> {
  [key: string]: unknown;
  outcome: 'success';
  /** The produced value (may be `null`, but must be present). */
  result: Output;
}

/** Schema for a skipped flow or step result: `{outcome: 'skipped', reason?}`. */
export const FlowResultSkippedSchema = z.looseObject({
  outcome: z.literal('skipped'),
  /** Optional reason for the skip. */
  reason: z.string().optional(),
});

/** A skipped flow or step result. */
export type FlowResultSkipped = z.infer<typeof FlowResultSkippedSchema>;

/** Schema for a failed flow or step result: `{outcome: 'failed', error}`. */
export const FlowResultFailedSchema = z.looseObject({
  outcome: z.literal('failed'),
  /** What went wrong. */
  error: FlowErrorSchema,
});

/** A failed flow or step result. */
export type FlowResultFailed = z.infer<typeof FlowResultFailedSchema>;

/**
 * Schema for the result of a flow or step, discriminated by `outcome`.
 *
 * A failed step is a result, not an exception: business failures travel as
 * `{outcome: 'failed', error}` inside successful JSON-RPC responses.
 */
export const FlowResultSchema = z.discriminatedUnion('outcome', [
  FlowResultSuccessSchema,
  FlowResultSkippedSchema,
  FlowResultFailedSchema,
]);

/**
 * The result of a flow or step: success, skipped or failed. `Output` is the type of a success's
 * `result` (see `TypedFlow`); without it, exactly the type {@link FlowResultSchema} parses.
 */
export type FlowResult<Output = unknown> =
  FlowResultSuccess<Output> | FlowResultSkipped | FlowResultFailed;

/** The three possible values of `FlowResult['outcome']`. */
export type FlowOutcome = FlowResult['outcome'];
