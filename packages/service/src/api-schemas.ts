import { z } from '@hono/zod-openapi';
import { FlowResultSchema, RunStatusSchema, StepStatusSchema } from '@stepflow/protocol';

// Request and response bodies of the API, in the reference Stepflow's shapes (camelCase JSON).
// Declared once: the routes validate requests and the OpenAPI document is generated from them.

/** Every error body: `code` is the HTTP status. */
export const ErrorBodySchema = z
  .object({ code: z.number().int(), message: z.string() })
  .openapi('Error');

/** A run as lists show it. */
export const RunSummarySchema = z
  .object({
    runId: z.string(),
    flowId: z.string(),
    flowName: z.string().nullable(),
    flowLabel: z.string().nullable(),
    status: RunStatusSchema,
    debugMode: z.boolean(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    /** The batch the run belongs to (absent for a run started on its own). */
    batchId: z.string().optional(),
    /** The run whose step started this one (absent for a top-level run). */
    parentRunId: z.string().optional(),
    /**
     * The runtime executing the run now (its live lease's owner, `host:pid:random`), when
     * runtimes share the store; absent when no runtime holds it.
     */
    runtime: z.string().optional(),
  })
  .openapi('RunSummary');

/** A run with its input and result. */
export const RunDetailsSchema = RunSummarySchema.extend({
  input: z.unknown(),
  result: FlowResultSchema.optional(),
}).openapi('RunDetails');

/** `POST /runs`. */
export const CreateRunRequestSchema = z
  .object({
    flowId: z.string().min(1),
    input: z.unknown().optional(),
    debug: z.boolean().optional(),
    wait: z.boolean().optional(),
  })
  .openapi('CreateRunRequest');

/** The answer to `POST /runs`: with the result once the run ended (`wait`, the default). */
export const CreateRunResponseSchema = z
  .object({
    runId: z.string(),
    result: FlowResultSchema.optional(),
    status: RunStatusSchema,
    debug: z.boolean(),
  })
  .openapi('CreateRunResponse');

/** One step of a run, for `GET /runs/{runId}/steps`. */
export const StepInfoSchema = z
  .object({
    stepIndex: z.number().int(),
    stepId: z.string(),
    component: z.string(),
    status: StepStatusSchema,
    result: FlowResultSchema.optional(),
  })
  .openapi('StepInfo');

/** A diagnostic of a stored flow. */
export const DiagnosticSchema = z
  .object({
    level: z.string(),
    type: z.string(),
    message: z.string(),
    path: z.array(z.union([z.string(), z.number()])),
    stepId: z.string().optional(),
  })
  .openapi('Diagnostic');

/** `POST /flows`. */
export const StoreFlowRequestSchema = z
  .object({ flow: z.record(z.string(), z.unknown()) })
  .openapi('StoreFlowRequest');

/** The answer to `POST /flows`: `flowId` is absent when a fatal diagnostic kept it out. */
export const StoreFlowResponseSchema = z
  .object({
    flowId: z.string().optional(),
    diagnostics: z.object({ diagnostics: z.array(DiagnosticSchema) }),
  })
  .openapi('StoreFlowResponse');

/** `POST /batches`. */
export const CreateBatchRequestSchema = z
  .object({
    flowId: z.string().min(1),
    inputs: z.array(z.unknown()),
    maxConcurrency: z.number().int().min(1).optional(),
  })
  .openapi('CreateBatchRequest');

/** A batch as `GET /batches` lists it. */
export const BatchMetadataSchema = z
  .object({
    batchId: z.string(),
    flowId: z.string(),
    flowName: z.string().nullable(),
    totalInputs: z.number().int(),
    status: z.enum(['running', 'completed', 'cancelled']),
    createdAt: z.string(),
  })
  .openapi('BatchMetadata');

/** A batch with its run counts. */
export const BatchDetailsSchema = z
  .object({
    batchId: z.string(),
    flowId: z.string(),
    flowName: z.string().nullable(),
    totalInputs: z.number().int(),
    createdAt: z.string(),
    status: z.enum(['running', 'completed', 'cancelled']),
    completedRuns: z.number().int(),
    runningRuns: z.number().int(),
    failedRuns: z.number().int(),
    cancelledRuns: z.number().int(),
    pausedRuns: z.number().int(),
    completedAt: z.string().nullable(),
  })
  .openapi('BatchDetails');

/** Path parameters. */
export const RunIdParamsSchema = z.object({ runId: z.string().min(1) });
export const FlowIdParamsSchema = z.object({ flowId: z.string().min(1) });
export const BatchIdParamsSchema = z.object({ batchId: z.string().min(1) });

/** `limit`/`offset` paging of lists. */
export const PagingQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

/** A JSON response of `schema`, for route declarations. */
export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description };
}

/** The error responses a route may give, for route declarations. */
export function errorResponses(...statuses: readonly number[]) {
  return Object.fromEntries(
    statuses.map((status) => [status, jsonContent(ErrorBodySchema, `Error ${status}`)]),
  );
}
