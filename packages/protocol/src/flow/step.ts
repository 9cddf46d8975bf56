import { z } from 'zod';
import { JsonSchemaObjectSchema } from '../json-value.ts';
import { ErrorActionSchema } from './error-action.ts';
import { ExprSchema, ValueTemplateSchema } from './value-template.ts';

/** Schema for one step of a flow: run `component` on the resolved `input`. */
export const StepSchema = z.looseObject({
  /** Unique, non-blank step id. */
  id: z.string(),
  /** Component path, e.g. `/builtin/eval` or `/python/udf`; routed through the config. */
  component: z.string(),
  /** Documentation of the step's input (not enforced at run time). */
  inputSchema: JsonSchemaObjectSchema.nullish(),
  /** Documentation of the step's output (not enforced at run time). */
  outputSchema: JsonSchemaObjectSchema.nullish(),
  /** Skip the step when this expression resolves to a truthy value. */
  skipIf: ExprSchema.nullish(),
  /** What to do when the step fails (default `{action: 'fail'}`). */
  onError: ErrorActionSchema.nullish(),
  /** The component's input; absent means `null`. */
  input: ValueTemplateSchema.optional(),
  /** Free-form metadata, returned by `flows/get_metadata`. */
  metadata: z.record(z.string(), z.unknown()).optional(),
  /** Extension: fail an attempt that takes longer than this many milliseconds. */
  timeoutMs: z.int().min(1).optional(),
});

/** One step of a flow. */
export type Step = z.infer<typeof StepSchema>;
