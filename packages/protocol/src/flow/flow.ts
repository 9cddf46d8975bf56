import { z } from 'zod';
import { FLOW_SCHEMA_URL } from '../constants.ts';
import { JsonSchemaObjectSchema } from '../json-value.ts';
import { ExampleInputSchema } from './example-input.ts';
import { StepSchema } from './step.ts';
import { TestConfigSchema } from './test-config.ts';
import { ValueTemplateSchema } from './value-template.ts';

/**
 * Schema for a flow document (camelCase canonical; run `normalizeFlowAliases` first to accept
 * snake_case spellings). Unknown keys are kept so tools can warn about them.
 */
export const FlowSchema = z.looseObject({
  /** Must be {@link FLOW_SCHEMA_URL}. */
  schema: z.literal(FLOW_SCHEMA_URL),
  /** The flow's name. */
  name: z.string().nullish(),
  /** What the flow does. */
  description: z.string().nullish(),
  /** Informational version. */
  version: z.string().nullish(),
  /** JSON Schema of the flow input; the runtime validates inputs against it. */
  inputSchema: JsonSchemaObjectSchema.nullish(),
  /** JSON Schema of the flow output (documentation). */
  outputSchema: JsonSchemaObjectSchema.nullish(),
  /** The steps; a step may only reference steps declared before it. */
  steps: z.array(StepSchema).optional(),
  /** The flow's result, resolved after every step finished (absent means `null`). */
  output: ValueTemplateSchema.optional(),
  /** Test servers, config and cases for `stepflow test`. */
  test: TestConfigSchema.nullish(),
  /** Example inputs for UIs. */
  examples: z.array(ExampleInputSchema).nullish(),
  /** Free-form metadata, returned by `flows/get_metadata`. */
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/** A flow document. */
export type Flow = z.infer<typeof FlowSchema>;
