import { z } from 'zod';
import { JsonValueSchema } from '../json-value.ts';

/** Schema for a named example input of a flow (for UIs and documentation). */
export const ExampleInputSchema = z.looseObject({
  /** Display name. */
  name: z.string(),
  /** What the example demonstrates. */
  description: z.string().nullish(),
  /** The input value. */
  input: JsonValueSchema,
});

/** A named example input of a flow. */
export type ExampleInput = z.infer<typeof ExampleInputSchema>;
