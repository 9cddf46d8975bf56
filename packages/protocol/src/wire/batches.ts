import { z } from 'zod';
import { uint } from '../internal/numbers.ts';
import { JsonValueSchema } from '../json-value.ts';
import type { RequestMethodDefinition } from '../method-definition.ts';
import { FlowResultSchema } from './flow-result.ts';
import { BlobIdSchema, ObservabilityContextSchema } from './observability.ts';

/** Schema for `flows/submit_batch` params: run one flow over many inputs in the background. */
export const SubmitBatchParamsSchema = z.looseObject({
  /** Blob id of the flow to run. */
  flow_id: BlobIdSchema,
  /** One input per run. */
  inputs: z.array(JsonValueSchema),
  /** Maximum runs in flight (defaults to the number of inputs). */
  max_concurrency: uint().nullish(),
  /** Trace context of the calling component. */
  observability: ObservabilityContextSchema.nullish(),
});

/** Params of `flows/submit_batch`. */
export type SubmitBatchParams = z.infer<typeof SubmitBatchParamsSchema>;

/** Schema for the `flows/submit_batch` result, returned immediately. */
export const SubmitBatchResultSchema = z.looseObject({
  /** The new batch's id (a UUID). */
  batch_id: z.string(),
  /** Number of runs in the batch. */
  total_runs: uint(),
});

/** Result of `flows/submit_batch`. */
export type SubmitBatchResult = z.infer<typeof SubmitBatchResultSchema>;

/** Schema for `flows/get_batch` params. */
export const GetBatchParamsSchema = z.looseObject({
  /** The batch to query. */
  batch_id: z.string(),
  /** Wait until no run is running (default `false`). */
  wait: z.boolean().optional(),
  /** Include per-run outputs (default `false`). */
  include_results: z.boolean().optional(),
  /** Trace context of the calling component. */
  observability: ObservabilityContextSchema.nullish(),
});

/** Params of `flows/get_batch`. */
export type GetBatchParams = z.infer<typeof GetBatchParamsSchema>;

/** Schema for a batch's metadata and run statistics. */
export const BatchDetailsSchema = z.looseObject({
  /** The batch id. */
  batch_id: z.string(),
  /** Blob id of the flow. */
  flow_id: BlobIdSchema,
  /** The flow's name, if it has one. */
  flow_name: z.string().nullish(),
  /** Number of runs in the batch. */
  total_runs: uint(),
  /** Batch status: `running` or `cancelled`. */
  status: z.string(),
  /** Creation time (RFC 3339). */
  created_at: z.string(),
  /** Runs that completed successfully. */
  completed_runs: uint(),
  /** Runs still running. */
  running_runs: uint(),
  /** Runs that failed. */
  failed_runs: uint(),
  /** Runs that were cancelled. */
  cancelled_runs: uint(),
  /** Runs that are paused. */
  paused_runs: uint(),
  /** Completion time (RFC 3339) once nothing is running. */
  completed_at: z.string().nullish(),
});

/** A batch's metadata and run statistics. */
export type BatchDetails = z.infer<typeof BatchDetailsSchema>;

/** Schema for the output of one run in a batch. */
export const BatchOutputInfoSchema = z.looseObject({
  /** Position of the run's input in `inputs`. */
  batch_input_index: uint(),
  /** The run's status, e.g. `completed` or `failed`. */
  status: z.string(),
  /** The run's result, when it has one. */
  result: FlowResultSchema.nullish(),
});

/** The output of one run in a batch. */
export type BatchOutputInfo = z.infer<typeof BatchOutputInfoSchema>;

/** Schema for the `flows/get_batch` result. */
export const GetBatchResultSchema = z.looseObject({
  /** Always present: metadata and statistics. */
  details: BatchDetailsSchema,
  /** Per-run outputs, only with `include_results: true`. */
  outputs: z.array(BatchOutputInfoSchema).nullish(),
});

/** Result of `flows/get_batch`. */
export type GetBatchResult = z.infer<typeof GetBatchResultSchema>;

/** The batch methods, both server → runtime. */
export const batchMethods = {
  'flows/submit_batch': {
    direction: 'serverToRuntime',
    kind: 'request',
    params: SubmitBatchParamsSchema,
    result: SubmitBatchResultSchema,
  },
  'flows/get_batch': {
    direction: 'serverToRuntime',
    kind: 'request',
    params: GetBatchParamsSchema,
    result: GetBatchResultSchema,
  },
} as const satisfies Record<string, RequestMethodDefinition>;
