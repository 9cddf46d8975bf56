import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { isTerminalRunStatus, RunStatusSchema } from '@stepflow/protocol';
import type { Flow, FlowResult, RunEvent } from '@stepflow/protocol';
import { flowIdOf, foldRunEvents, planFlow, statusOfResult, stepStatuses } from '@stepflow/runtime';
import { StateStoreError, type RunRecord } from '@stepflow/state-store';
import { ApiError, notFound } from '../api-error.ts';
import {
  CreateRunRequestSchema,
  CreateRunResponseSchema,
  errorResponses,
  jsonContent,
  PagingQuerySchema,
  RunDetailsSchema,
  RunIdParamsSchema,
  RunSummarySchema,
  StepInfoSchema,
} from '../api-schemas.ts';
import { checkRunInput } from '../check-run-input.ts';
import { loadStoredFlow } from '../load-stored-flow.ts';
import { runDetails, runSummary } from '../run-views.ts';
import type { ServiceApp, ServiceContext } from '../service-context.ts';

/** How often a run executing in another runtime is looked up when no notice came. */
const REMOTE_POLL_MS = 1_000;

const createRun = createRoute({
  method: 'post',
  path: '/api/v1/runs',
  summary:
    'Start a run of a stored flow; waits for its result unless `wait` is false. With `debug`, ' +
    'the run is created `paused` and executes step by step through the debug routes',
  request: {
    body: { content: { 'application/json': { schema: CreateRunRequestSchema } }, required: true },
  },
  responses: {
    200: jsonContent(CreateRunResponseSchema, 'The run ended, or it is paused (waits for answers)'),
    202: jsonContent(CreateRunResponseSchema, 'The run started (`wait: false`)'),
    ...errorResponses(400, 401, 404, 413, 415, 503),
  },
});

const listRuns = createRoute({
  method: 'get',
  path: '/api/v1/runs',
  summary: 'List runs, newest first',
  request: {
    query: PagingQuerySchema.extend({
      status: RunStatusSchema.optional(),
      flowName: z.string().optional(),
    }),
  },
  responses: {
    200: jsonContent(z.object({ runs: z.array(RunSummarySchema) }), 'The runs'),
    ...errorResponses(400, 401),
  },
});

const getRun = createRoute({
  method: 'get',
  path: '/api/v1/runs/{runId}',
  summary: 'A run with its input and result',
  request: { params: RunIdParamsSchema },
  responses: { 200: jsonContent(RunDetailsSchema, 'The run'), ...errorResponses(401, 404) },
});

const getRunFlow = createRoute({
  method: 'get',
  path: '/api/v1/runs/{runId}/flow',
  summary: 'The flow a run executes',
  request: { params: RunIdParamsSchema },
  responses: {
    200: jsonContent(z.object({ flow: z.unknown(), flowId: z.string() }), 'The flow'),
    ...errorResponses(401, 404),
  },
});

const getRunSteps = createRoute({
  method: 'get',
  path: '/api/v1/runs/{runId}/steps',
  summary: "Every step's status (and result once it has one), rebuilt from the run's journal",
  request: { params: RunIdParamsSchema },
  responses: {
    200: jsonContent(z.object({ steps: z.record(z.string(), StepInfoSchema) }), 'The steps'),
    ...errorResponses(401, 404),
  },
});

const cancelRun = createRoute({
  method: 'post',
  path: '/api/v1/runs/{runId}/cancel',
  summary: 'Cancel a run: in-flight component calls are aborted and no step starts',
  request: { params: RunIdParamsSchema },
  responses: {
    200: jsonContent(RunSummarySchema, 'The cancelled run'),
    ...errorResponses(401, 404, 409),
  },
});

const deleteRun = createRoute({
  method: 'delete',
  path: '/api/v1/runs/{runId}',
  summary:
    'Delete a finished run with its journal and nested runs (409 while it or a nested run is ' +
    'unfinished, or its batch still runs)',
  request: { params: RunIdParamsSchema },
  responses: {
    200: jsonContent(z.object({ deletedRunIds: z.array(z.string()) }), 'Deleted'),
    ...errorResponses(401, 404, 409),
  },
});

/** The run `runId`, or 404. */
export async function requireRun(service: ServiceContext, runId: string): Promise<RunRecord> {
  const run = await service.store.getRun(runId);
  if (run === undefined) throw notFound('Run', runId);
  return run;
}

/** How a submitted run settled: ended (no result when the service closed first) or paused. */
type Settled = { readonly result: FlowResult | undefined } | 'paused';

/**
 * Executes a submitted run: here, or with a shared store (scale-out, where it was recorded first)
 * here when this runtime has capacity and takes its lease first, else wherever a runtime claims
 * it (the store then tells when it ended or paused).
 */
async function startSubmitted(
  service: ServiceContext,
  submitted: { readonly runId: string; readonly input: unknown; readonly record?: RunRecord },
  flow: Flow,
): Promise<{ readonly settled: () => Promise<Settled> }> {
  const { claimer, supervisor } = service;
  const { runId, input, record } = submitted;
  const done =
    claimer === undefined || record === undefined
      ? supervisor.start({ runId, flow, input, fresh: true })
      : (await claimer.tryExecute(record, flow))?.done;
  if (done === undefined) return { settled: () => waitForRunEnd(service, runId) };
  // Listened to at once: the run may pause before anyone asks.
  const settled = Promise.race([
    done.then((result) => ({ result })),
    supervisor.whenPaused(runId).then(() => 'paused' as const),
  ]);
  return { settled: () => settled };
}

/** Settles when the run, executing in another runtime, ended or paused. */
async function waitForRunEnd(service: ServiceContext, runId: string): Promise<Settled> {
  while (!service.closed.aborted) {
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        clearTimeout(timer);
        unwatch();
        service.closed.removeEventListener('abort', stop);
        resolve();
      };
      // Woken by the store's notices of the run's journal; the poll is a safety net.
      const timer = setTimeout(stop, REMOTE_POLL_MS);
      const unwatch = service.supervisor.watch(runId, stop);
      service.closed.addEventListener('abort', stop);
    });
    const run = await service.store.getRun(runId);
    if (run === undefined) break;
    if (isTerminalRunStatus(run.status)) return { result: run.result };
    if (run.status === 'paused') return 'paused';
  }
  return { result: undefined };
}

/** `/runs` and `/runs/{runId}/…` (events are in events-routes). */
export function registerRunsRoutes(app: ServiceApp, service: ServiceContext): void {
  app.openapi(createRun, async (c) => {
    const body = c.req.valid('json');
    const flow = await loadStoredFlow(service, body.flowId);
    const input = body.input ?? null;
    checkRunInput(flow, input, 'input');
    // The run executes under the id answered here: the record exists before the answer. A run
    // answered when it ends gets its record with its first events (one commit less); the others
    // are answered while they run, so theirs is made now.
    const runId = randomUUID();
    // In scale-out the record is leased before the run starts here, so it is made now too.
    const record =
      body.wait === false || body.debug === true || service.claimer !== undefined
        ? await service.store.createRun({
            id: runId,
            flowId: flowIdOf(flow),
            ...(typeof flow.name === 'string' ? { flowName: flow.name } : {}),
            input,
            ...(body.debug === true ? { status: 'paused' as const } : {}),
          })
        : undefined;
    if (body.debug === true) {
      await service.debug.start(runId, flow, input);
      return c.json({ runId, status: 'paused' as const, debug: true }, 200);
    }
    const execution = await startSubmitted(service, { runId, input, record }, flow);
    if (body.wait === false)
      return c.json({ runId, status: 'running' as const, debug: false }, 202);
    // A run that waits for a person answers now, `paused`, not when someone has answered.
    const settled = await execution.settled();
    if (settled === 'paused')
      return c.json({ runId, status: 'paused' as const, debug: false }, 200);
    const result = settled.result;
    if (result === undefined)
      throw new ApiError(
        503,
        `The service stopped before run ${runId} ended; it resumes on restart`,
      );
    return c.json({ runId, result, status: statusOfResult(result), debug: false }, 200);
  });

  app.openapi(listRuns, async (c) => {
    const query = c.req.valid('query');
    const runs = await service.store.listRuns({
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.flowName === undefined ? {} : { flowName: query.flowName }),
      limit: query.limit ?? 100,
      offset: query.offset ?? 0,
      order: 'desc',
    });
    // Only a paused run is looked up: finished debug runs list as plain ones (one lookup each).
    const summaries = await Promise.all(
      runs.map(async (run) =>
        runSummary(run, run.status === 'paused' && (await service.debug.isDebugRun(run.id))),
      ),
    );
    return c.json({ runs: summaries }, 200);
  });

  app.openapi(getRun, async (c) => {
    const run = await requireRun(service, c.req.valid('param').runId);
    return c.json(runDetails(run, await service.debug.isDebugRun(run.id)), 200);
  });

  app.openapi(getRunFlow, async (c) => {
    const run = await requireRun(service, c.req.valid('param').runId);
    return c.json({ flow: await loadStoredFlow(service, run.flowId), flowId: run.flowId }, 200);
  });

  app.openapi(getRunSteps, async (c) => {
    const run = await requireRun(service, c.req.valid('param').runId);
    const flow = await loadStoredFlow(service, run.flowId);
    const events: RunEvent[] = (await service.store.readEvents(run.id)).map((e) => e.event);
    const state = foldRunEvents(events);
    const plan = planFlow(flow);
    const statuses = state === undefined ? undefined : stepStatuses(plan, state);
    const steps = Object.fromEntries(
      plan.steps.map((step) => {
        const result = state?.steps.get(step.id)?.result;
        const info = {
          stepIndex: step.index,
          stepId: step.id,
          component: step.component,
          status: statuses?.get(step.id) ?? 'blocked',
          ...(result === undefined ? {} : { result }),
        };
        return [step.id, info];
      }),
    );
    return c.json({ steps }, 200);
  });

  app.openapi(cancelRun, async (c) => {
    const { runId } = c.req.valid('param');
    const run = await requireRun(service, runId);
    if (isTerminalRunStatus(run.status))
      throw new ApiError(409, `Run ${runId} cannot be cancelled: it is ${run.status}`);
    if (service.supervisor.isActive(runId)) await service.supervisor.cancel(runId);
    else await service.store.updateRunStatus(runId, 'cancelled', { expectedStatus: run.status });
    const cancelled = await requireRun(service, runId);
    return c.json(runSummary(cancelled, await service.debug.isDebugRun(runId)), 200);
  });

  app.openapi(deleteRun, async (c) => {
    const { runId } = c.req.valid('param');
    const run = await requireRun(service, runId);
    if (!isTerminalRunStatus(run.status) || service.supervisor.isActive(runId))
      throw new ApiError(409, `Run ${runId} cannot be deleted: it is ${run.status}`);
    try {
      return c.json({ deletedRunIds: await service.store.deleteRun(runId) }, 200);
    } catch (error) {
      if (StateStoreError.isInstance(error, 'status-conflict'))
        throw new ApiError(409, error.message.replace(/^deleteRun: /, ''));
      if (StateStoreError.isInstance(error, 'run-not-found')) throw notFound('Run', runId);
      throw error;
    }
  });
}
