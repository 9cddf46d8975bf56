import { z } from 'zod';
import { JsonValueSchema } from '../json-value.ts';
import type { RequestMethodDefinition } from '../method-definition.ts';
import { FlowResultSchema } from './flow-result.ts';
import { BlobIdSchema, ObservabilityContextSchema } from './observability.ts';

/** Schema for `flows/evaluate` params: run a stored flow to completion. */
export const EvaluateFlowParamsSchema = z.looseObject({
  /** Blob id of the flow to run. */
  flow_id: BlobIdSchema,
  /** The flow input (any JSON). */
  input: JsonValueSchema,
  /** Trace context of the calling component. */
  observability: ObservabilityContextSchema.nullish(),
});

/** Params of `flows/evaluate`. */
export type EvaluateFlowParams = z.infer<typeof EvaluateFlowParamsSchema>;

/** Schema for the `flows/evaluate` result; a failed run is a `failed` FlowResult, not an error. */
export const EvaluateFlowResultSchema = z.looseObject({
  /** The nested run's result. */
  result: FlowResultSchema,
});

/** Result of `flows/evaluate`. */
export type EvaluateFlowResult = z.infer<typeof EvaluateFlowResultSchema>;

/** Schema for `flows/get_metadata` params. */
export const GetFlowMetadataParamsSchema = z.looseObject({
  /** Blob id of the flow. */
  flow_id: BlobIdSchema,
  /** If set, the step whose metadata is returned too. */
  step_id: z.string().nullish(),
  /** Trace context of the calling component. */
  observability: ObservabilityContextSchema.nullish(),
});

/** Params of `flows/get_metadata`. */
export type GetFlowMetadataParams = z.infer<typeof GetFlowMetadataParamsSchema>;

/** Schema for the `flows/get_metadata` result. */
export const GetFlowMetadataResultSchema = z.looseObject({
  /** The flow's `metadata` map (not its name or description). */
  flow_metadata: z.record(z.string(), z.unknown()),
  /** The step's `metadata` map, present when `step_id` was given. */
  step_metadata: z.record(z.string(), z.unknown()).nullish(),
});

/** Result of `flows/get_metadata`. */
export type GetFlowMetadataResult = z.infer<typeof GetFlowMetadataResultSchema>;

/** The flow methods `flows/evaluate` and `flows/get_metadata`, both server → runtime. */
export const flowMethods = {
  'flows/evaluate': {
    direction: 'serverToRuntime',
    kind: 'request',
    params: EvaluateFlowParamsSchema,
    result: EvaluateFlowResultSchema,
  },
  'flows/get_metadata': {
    direction: 'serverToRuntime',
    kind: 'request',
    params: GetFlowMetadataParamsSchema,
    result: GetFlowMetadataResultSchema,
  },
} as const satisfies Record<string, RequestMethodDefinition>;
