import { createRoute, z } from '@hono/zod-openapi';
import type { BatchRecord } from '@stepflow/state-store';
import { ApiError, notFound } from '../api-error.ts';
import {
  BatchDetailsSchema,
  BatchMetadataSchema,
  BatchIdParamsSchema,
  CreateBatchRequestSchema,
  errorResponses,
  jsonContent,
  PagingQuerySchema,
  RunSummarySchema,
} from '../api-schemas.ts';
import { checkRunInput } from '../check-run-input.ts';
import { loadStoredFlow } from '../load-stored-flow.ts';
import { isoTime, runSummary } from '../run-views.ts';
import type { ServiceApp, ServiceContext } from '../service-context.ts';

const createBatch = createRoute({
  method: 'post',
  path: '/api/v1/batches',
  summary: 'Start one run per input of a stored flow, at most `maxConcurrency` at once',
  request: {
    body: { content: { 'application/json': { schema: CreateBatchRequestSchema } }, required: true },
  },
  responses: {
    200: jsonContent(
      z.object({
        batchId: z.string(),
        totalInputs: z.number().int(),
        status: z.literal('running'),
      }),
      'The batch started',
    ),
    ...errorResponses(400, 401, 404, 413, 415),
  },
});

const listBatches = createRoute({
  method: 'get',
  path: '/api/v1/batches',
  summary: 'List batches, newest first',
  request: {
    query: PagingQuerySchema.extend({
      status: z.enum(['running', 'completed', 'cancelled']).optional(),
      flowName: z.string().optional(),
    }),
  },
  responses: {
    200: jsonContent(z.object({ batches: z.array(BatchMetadataSchema) }), 'The batches'),
    ...errorResponses(400, 401),
  },
});

const getBatch = createRoute({
  method: 'get',
  path: '/api/v1/batches/{batchId}',
  summary: 'A batch with the counts of its runs by status',
  request: { params: BatchIdParamsSchema },
  responses: { 200: jsonContent(BatchDetailsSchema, 'The batch'), ...errorResponses(401, 404) },
});

const getBatchRuns = createRoute({
  method: 'get',
  path: '/api/v1/batches/{batchId}/runs',
  summary: "A batch's runs in input order",
  request: { params: BatchIdParamsSchema },
  responses: {
    200: jsonContent(
      z.object({
        runs: z.array(RunSummarySchema.extend({ batchInputIndex: z.number().int() })),
      }),
      'The runs',
    ),
    ...errorResponses(401, 404),
  },
});

const getBatchOutputs = createRoute({
  method: 'get',
  path: '/api/v1/batches/{batchId}/outputs',
  summary: "A batch's results in input order",
  request: { params: BatchIdParamsSchema },
  responses: {
    200: jsonContent(
      z.object({
        outputs: z.array(
          z.object({ batchInputIndex: z.number().int(), status: z.string(), result: z.unknown() }),
        ),
      }),
      'The outputs',
    ),
    ...errorResponses(401, 404),
  },
});

const cancelBatch = createRoute({
  method: 'post',
  path: '/api/v1/batches/{batchId}/cancel',
  summary: 'Cancel a batch: its running runs are aborted, the others never start',
  request: { params: BatchIdParamsSchema },
  responses: {
    200: jsonContent(
      z.object({ batchId: z.string(), status: z.literal('cancelled') }),
      'Cancelled',
    ),
    ...errorResponses(401, 404, 409),
  },
});

async function requireBatch(service: ServiceContext, batchId: string): Promise<BatchRecord> {
  const batch = await service.store.getBatch(batchId);
  if (batch === undefined) throw notFound('Batch', batchId);
  return batch;
}

/** `/batches` and `/batches/{batchId}/…`. */
export function registerBatchesRoutes(app: ServiceApp, service: ServiceContext): void {
  app.openapi(createBatch, async (c) => {
    const body = c.req.valid('json');
    const flow = await loadStoredFlow(service, body.flowId);
    body.inputs.forEach((input, index) => checkRunInput(flow, input, `inputs[${index}]`));
    const batch = await service.batches.create(body.flowId, flow, body.inputs, body.maxConcurrency);
    return c.json({ batchId: batch.id, totalInputs: batch.total, status: 'running' as const }, 200);
  });

  app.openapi(listBatches, async (c) => {
    const query = c.req.valid('query');
    const batches = await service.store.listBatches({
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.flowName === undefined ? {} : { flowName: query.flowName }),
      limit: query.limit ?? 100,
      offset: query.offset ?? 0,
      order: 'desc',
    });
    const body = batches.map((batch) => ({
      batchId: batch.id,
      flowId: batch.flowId,
      flowName: batch.flowName ?? null,
      totalInputs: batch.total,
      status: batch.status,
      createdAt: isoTime(batch.createdAt)!,
    }));
    return c.json({ batches: body }, 200);
  });

  app.openapi(getBatch, async (c) => {
    const batch = await requireBatch(service, c.req.valid('param').batchId);
    const counts = await service.store.countRunsByStatus({ batchId: batch.id });
    const details = {
      batchId: batch.id,
      flowId: batch.flowId,
      flowName: batch.flowName ?? null,
      totalInputs: batch.total,
      createdAt: isoTime(batch.createdAt)!,
      status: batch.status,
      completedRuns: counts.completed,
      runningRuns: counts.running,
      failedRuns: counts.failed,
      cancelledRuns: counts.cancelled,
      pausedRuns: counts.paused,
      completedAt: batch.status === 'running' ? null : isoTime(batch.updatedAt),
    };
    return c.json(details, 200);
  });

  app.openapi(getBatchRuns, async (c) => {
    const batch = await requireBatch(service, c.req.valid('param').batchId);
    const runs = await service.store.listBatchRuns(batch.id);
    const body = runs.map((run) => ({ ...runSummary(run), batchInputIndex: run.batchIndex ?? 0 }));
    return c.json({ runs: body }, 200);
  });

  app.openapi(getBatchOutputs, async (c) => {
    const batch = await requireBatch(service, c.req.valid('param').batchId);
    const runs = await service.store.listBatchRuns(batch.id);
    const outputs = runs
      .map((run) => ({
        batchInputIndex: run.batchIndex ?? 0,
        status: run.status,
        result: run.result ?? null,
      }))
      .sort((a, b) => a.batchInputIndex - b.batchInputIndex);
    return c.json({ outputs }, 200);
  });

  app.openapi(cancelBatch, async (c) => {
    const batch = await requireBatch(service, c.req.valid('param').batchId);
    if (batch.status !== 'running')
      throw new ApiError(409, `Batch ${batch.id} cannot be cancelled: it is ${batch.status}`);
    await service.batches.cancel(batch.id);
    return c.json({ batchId: batch.id, status: 'cancelled' as const }, 200);
  });
}
