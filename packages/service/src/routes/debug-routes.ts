import { createRoute, z } from '@hono/zod-openapi';
import { FlowResultSchema } from '@stepflow/protocol';
import { statusOfResult } from '@stepflow/runtime';
import { ApiError } from '../api-error.ts';
import {
  CreateRunResponseSchema,
  errorResponses,
  jsonContent,
  RunIdParamsSchema,
} from '../api-schemas.ts';
import { loadStoredFlow } from '../load-stored-flow.ts';
import type { ServiceApp, ServiceContext } from '../service-context.ts';
import { requireRun } from './runs-routes.ts';

const debugStep = createRoute({
  method: 'post',
  path: '/api/v1/runs/{runId}/debug/step',
  summary: 'Execute runnable steps of a paused debug run; answers their results',
  request: {
    params: RunIdParamsSchema,
    body: {
      content: {
        'application/json': {
          schema: z.object({ stepIds: z.array(z.string().min(1)).min(1).max(1000) }),
        },
      },
      required: true,
    },
  },
  responses: {
    200: jsonContent(
      z.object({ results: z.record(z.string(), FlowResultSchema) }),
      'The steps ran',
    ),
    ...errorResponses(400, 401, 404, 409, 413, 415),
  },
});

const debugContinue = createRoute({
  method: 'post',
  path: '/api/v1/runs/{runId}/debug/continue',
  summary: 'Let a paused debug run execute to its end; answers like `POST /runs`',
  request: { params: RunIdParamsSchema },
  responses: {
    200: jsonContent(CreateRunResponseSchema, 'The run ended'),
    ...errorResponses(401, 404, 409, 503),
  },
});

const debugRunnable = createRoute({
  method: 'get',
  path: '/api/v1/runs/{runId}/debug/runnable',
  summary: 'The steps of a paused debug run that can execute next',
  request: { params: RunIdParamsSchema },
  responses: {
    200: jsonContent(z.object({ runnableSteps: z.array(z.string()) }), 'The runnable steps'),
    ...errorResponses(401, 404, 409),
  },
});

/** `/runs/{runId}/debug/…`: stepping through a run created with `debug: true`. */
export function registerDebugRoutes(app: ServiceApp, service: ServiceContext): void {
  app.openapi(debugRunnable, async (c) => {
    const run = await requireRun(service, c.req.valid('param').runId);
    const flow = await loadStoredFlow(service, run.flowId);
    return c.json({ runnableSteps: await service.debug.runnable(run, flow) }, 200);
  });

  app.openapi(debugStep, async (c) => {
    const run = await requireRun(service, c.req.valid('param').runId);
    const { stepIds } = c.req.valid('json');
    if (new Set(stepIds).size !== stepIds.length)
      throw new ApiError(400, 'stepIds: a step is named twice');
    const flow = await loadStoredFlow(service, run.flowId);
    return c.json({ results: await service.debug.step(run, flow, stepIds) }, 200);
  });

  app.openapi(debugContinue, async (c) => {
    const run = await requireRun(service, c.req.valid('param').runId);
    const flow = await loadStoredFlow(service, run.flowId);
    const result = await service.debug.continue(run, flow);
    if (result === undefined)
      throw new ApiError(503, `The service stopped before run ${run.id} ended; continue it again`);
    return c.json({ runId: run.id, result, status: statusOfResult(result), debug: true }, 200);
  });
}
