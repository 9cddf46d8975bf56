// Response shapes compared field by field with the reference Stepflow's REST API: the same keys
// (camelCase), required ones always present, and no key the reference does not have.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createWorkspace,
  eventually,
  GATED_FLOW,
  GREET_FLOW,
  processesOf,
  startService,
  type ServiceProcess,
  type Workspace,
} from './service-harness.ts';

/** A reference shape: required keys, optional keys, and nested shapes by key. */
interface Shape {
  readonly required: readonly string[];
  readonly optional?: readonly string[];
}

const RUN_SUMMARY: Shape = {
  required: [
    'runId',
    'flowId',
    'flowName',
    'flowLabel',
    'status',
    'debugMode',
    'createdAt',
    'completedAt',
  ],
  // Ours: what started the run (the web UI's trigger column).
  optional: ['batchId', 'parentRunId'],
};
const SHAPES = {
  health: { required: ['status', 'timestamp', 'version'] },
  // `analysis` (the reference's dependency analysis) is not produced: see docs/service.md.
  storeFlow: { required: ['diagnostics'], optional: ['flowId', 'analysis'] },
  getFlow: { required: ['flow', 'flowId'], optional: ['allExamples', 'analysis'] },
  createRun: { required: ['runId', 'result', 'status', 'debug'] },
  runSummary: RUN_SUMMARY,
  runDetails: {
    required: [...RUN_SUMMARY.required, 'input'],
    optional: [...(RUN_SUMMARY.optional ?? []), 'result'],
  },
  runFlow: { required: ['flow', 'flowId'] },
  stepInfo: { required: ['stepIndex', 'stepId', 'component', 'status'], optional: ['result'] },
  createBatch: { required: ['batchId', 'totalInputs', 'status'] },
  batchDetails: {
    required: [
      'batchId',
      'flowId',
      'flowName',
      'totalInputs',
      'createdAt',
      'status',
      'completedRuns',
      'runningRuns',
      'failedRuns',
      'cancelledRuns',
      'pausedRuns',
      'completedAt',
    ],
  },
  batchRun: {
    required: [...RUN_SUMMARY.required, 'batchInputIndex'],
    optional: RUN_SUMMARY.optional ?? [],
  },
  batchOutput: { required: ['batchInputIndex', 'status', 'result'] },
  cancelBatch: { required: ['batchId', 'status'] },
  createDebugRun: { required: ['runId', 'status', 'debug'] },
  debugRunnable: { required: ['runnableSteps'] },
  debugStep: { required: ['results'] },
  batchMetadata: {
    required: ['batchId', 'flowId', 'flowName', 'totalInputs', 'status', 'createdAt'],
  },
  error: { required: ['code', 'message'], optional: ['stack'] },
} satisfies Record<string, Shape>;

function expectShape(value: Record<string, unknown>, shape: Shape): void {
  const keys = Object.keys(value).sort();
  for (const key of shape.required) expect(keys, `missing ${key}`).toContain(key);
  const allowed = new Set([...shape.required, ...(shape.optional ?? [])]);
  expect(keys.filter((key) => !allowed.has(key))).toEqual([]);
}

let workspace: Workspace;
let service: ServiceProcess;

beforeAll(async () => {
  workspace = await createWorkspace();
  service = await startService(workspace.dir, ['--store', 'memory']);
});

afterAll(async () => {
  expect(await service.stop()).toBe(0);
  expect(await processesOf(workspace.dir)).toEqual([]);
});

it('answers every route in the reference shape', async () => {
  expectShape((await service.api('health')).body, SHAPES.health);
  const stored = (await service.api('flows', { body: { flow: GREET_FLOW } })).body;
  expectShape(stored, SHAPES.storeFlow);
  expectShape(stored.diagnostics, { required: ['diagnostics'] });
  const flowId = stored.flowId as string;
  expectShape((await service.api(`flows/${flowId}`)).body, SHAPES.getFlow);

  const run = (await service.api('runs', { body: { flowId, input: { name: 'shape' } } })).body;
  expectShape(run, SHAPES.createRun);
  expect(run.status).toBe('completed');
  expect(run.debug).toBe(false);
  const listed = (await service.api('runs')).body;
  expectShape(listed, { required: ['runs'] });
  expectShape(listed.runs[0], SHAPES.runSummary);
  expectShape((await service.api(`runs/${run.runId}`)).body, SHAPES.runDetails);
  expectShape((await service.api(`runs/${run.runId}/flow`)).body, SHAPES.runFlow);
  const steps = (await service.api(`runs/${run.runId}/steps`)).body;
  expectShape(steps, { required: ['steps'] });
  expectShape(steps.steps.hello, SHAPES.stepInfo);

  const gatedId = (await service.api('flows', { body: { flow: GATED_FLOW } })).body.flowId;
  const pending = (
    await service.api('runs', { body: { flowId: gatedId, input: { key: 'shape' }, wait: false } })
  ).body;
  expectShape(
    (await service.api(`runs/${pending.runId}/cancel`, { method: 'POST' })).body,
    SHAPES.runSummary,
  );

  const batch = (
    await service.api('batches', { body: { flowId, inputs: [{ name: 'a' }, { name: 'b' }] } })
  ).body;
  expectShape(batch, SHAPES.createBatch);
  const details = await eventually(async () => {
    const body = (await service.api(`batches/${batch.batchId}`)).body;
    return body.status === 'completed' ? body : undefined;
  });
  expectShape(details, SHAPES.batchDetails);
  const batchRuns = (await service.api(`batches/${batch.batchId}/runs`)).body;
  expectShape(batchRuns, { required: ['runs'] });
  expectShape(batchRuns.runs[0], SHAPES.batchRun);
  const outputs = (await service.api(`batches/${batch.batchId}/outputs`)).body;
  expectShape(outputs, { required: ['outputs'] });
  expectShape(outputs.outputs[0], SHAPES.batchOutput);
  const batches = (await service.api('batches')).body;
  expectShape(batches, { required: ['batches'] });
  expectShape(batches.batches[0], SHAPES.batchMetadata);

  const gated = (
    await service.api('batches', { body: { flowId: gatedId, inputs: [{ key: 'c' }] } })
  ).body;
  expectShape(
    (await service.api(`batches/${gated.batchId}/cancel`, { method: 'POST' })).body,
    SHAPES.cancelBatch,
  );
  const debugRun = (
    await service.api('runs', { body: { flowId, input: { name: 'd' }, debug: true } })
  ).body;
  expectShape(debugRun, SHAPES.createDebugRun);
  expect(debugRun).toMatchObject({ status: 'paused', debug: true });
  const runnable = (await service.api(`runs/${debugRun.runId}/debug/runnable`)).body;
  expectShape(runnable, SHAPES.debugRunnable);
  const stepped = (
    await service.api(`runs/${debugRun.runId}/debug/step`, { body: { stepIds: ['hello'] } })
  ).body;
  expectShape(stepped, SHAPES.debugStep);
  expectShape(
    (await service.api(`runs/${debugRun.runId}/debug/continue`, { method: 'POST' })).body,
    SHAPES.createRun,
  );
  for (const path of ['runs/nope', 'flows/nope', 'batches/nope'])
    expectShape((await service.api(path)).body, SHAPES.error);
});
