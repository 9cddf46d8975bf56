// Debug runs over HTTP: created paused, stepped one step at a time, continued to the end; the
// stepping survives kill -9 of the service (the session is rebuilt from the run's journal).
import { expect, it } from 'vitest';
import {
  createWorkspace,
  eventually,
  GREET_FLOW,
  processesOf,
  startService,
} from './service-harness.ts';

const record = (key: string, extra: Record<string, unknown> = {}) => ({
  component: '/fx/record',
  input: { key, ...extra },
});

/** `a` and `b` are independent, `c` needs both. */
const DIAMOND_FLOW = {
  schema: 'https://stepflow.org/schemas/v1/flow.json',
  name: 'diamond',
  steps: [
    { id: 'a', ...record('dbg-a') },
    { id: 'b', ...record('dbg-b') },
    { id: 'c', ...record('dbg-c', { a: { $from: { step: 'a' } }, b: { $from: { step: 'b' } } }) },
  ],
  output: { $from: { step: 'c' } },
};

it('steps through a debug run, survives kill -9, and continues it to the end', async () => {
  const workspace = await createWorkspace();
  const first = await startService(workspace.dir);
  const flowId = (await first.api('flows', { body: { flow: DIAMOND_FLOW } })).body.flowId;
  const created = await first.api('runs', { body: { flowId, input: {}, debug: true } });
  expect(created).toEqual({
    status: 200,
    body: { runId: expect.any(String), status: 'paused', debug: true },
  });
  const runId = created.body.runId as string;
  expect((await first.api(`runs/${runId}`)).body).toMatchObject({
    status: 'paused',
    debugMode: true,
  });
  expect((await first.api(`runs/${runId}/debug/runnable`)).body).toEqual({
    runnableSteps: ['a', 'b'],
  });
  const blocked = await first.api(`runs/${runId}/debug/step`, { body: { stepIds: ['c'] } });
  expect(blocked.status).toBe(409);
  expect(blocked.body.message).toMatch(/'c' is not runnable: it is blocked/);
  const unknown = await first.api(`runs/${runId}/debug/step`, { body: { stepIds: ['zz'] } });
  expect(unknown).toEqual({
    status: 400,
    body: { code: 400, message: "stepIds: no step 'zz' in the flow" },
  });
  expect((await first.api(`runs/${runId}/debug/step`, { body: { stepIds: [] } })).status).toBe(400);
  expect(await workspace.records()).toEqual([]);

  const stepped = await first.api(`runs/${runId}/debug/step`, { body: { stepIds: ['a'] } });
  expect(stepped).toEqual({
    status: 200,
    body: { results: { a: { outcome: 'success', result: { key: 'dbg-a', recorded: true } } } },
  });
  expect((await workspace.records()).map((r) => r.key)).toEqual(['dbg-a']);
  expect((await first.api(`runs/${runId}/debug/runnable`)).body.runnableSteps).toEqual(['b']);
  const steps = (await first.api(`runs/${runId}/steps`)).body.steps;
  expect([steps.a.status, steps.b.status, steps.c.status]).toEqual([
    'completed',
    'runnable',
    'blocked',
  ]);

  first.child.kill('SIGKILL');
  expect(await first.stop()).toBe(null);
  await eventually(async () =>
    (await processesOf(workspace.dir)).length === 0 ? true : undefined,
  );
  const second = await startService(workspace.dir);
  // A paused debug run is not resumed on start: it waits for its debugger.
  expect(second.stderr()).toMatch(/resumed 0 runs/);
  expect((await second.api(`runs/${runId}/debug/runnable`)).body.runnableSteps).toEqual(['b']);
  expect((await workspace.records()).map((r) => r.key)).toEqual(['dbg-a']);

  const continued = await second.api(`runs/${runId}/debug/continue`, { method: 'POST' });
  expect(continued).toEqual({
    status: 200,
    body: {
      runId,
      status: 'completed',
      debug: true,
      result: {
        outcome: 'success',
        result: { key: 'dbg-c', recorded: true },
      },
    },
  });
  // Every step executed exactly once across both processes.
  expect((await workspace.records()).map((r) => r.key).sort()).toEqual(['dbg-a', 'dbg-b', 'dbg-c']);
  expect((await second.api(`runs/${runId}`)).body).toMatchObject({ status: 'completed' });
  const ended = await second.api(`runs/${runId}/debug/runnable`);
  expect(ended.status).toBe(409);
  expect(ended.body.message).toMatch(/not a paused debug run/);
  expect(await second.stop()).toBe(0);
  expect(await processesOf(workspace.dir)).toEqual([]);
}, 60_000);

it('refuses debug calls on a plain run, and cancels a paused debug run', async () => {
  const workspace = await createWorkspace();
  const service = await startService(workspace.dir, ['--store', 'memory']);
  const flowId = (await service.api('flows', { body: { flow: GREET_FLOW } })).body.flowId;
  const plain = (await service.api('runs', { body: { flowId, input: { name: 'p' } } })).body;
  expect((await service.api(`runs/${plain.runId}/debug/runnable`)).status).toBe(409);
  expect((await service.api(`runs/${plain.runId}/debug/continue`, { method: 'POST' })).status).toBe(
    409,
  );
  expect((await service.api('runs/nope/debug/runnable')).status).toBe(404);
  const bad = await service.api('runs', { body: { flowId, input: { name: 1 }, debug: true } });
  expect(bad.status).toBe(400);

  const { runId } = (
    await service.api('runs', { body: { flowId, input: { name: 'd' }, debug: true } })
  ).body;
  expect((await service.api(`runs/${runId}/debug/runnable`)).body.runnableSteps).toEqual(['hello']);
  const cancelled = await service.api(`runs/${runId}/cancel`, { method: 'POST' });
  expect(cancelled.body).toMatchObject({ runId, status: 'cancelled', debugMode: true });
  expect(
    (await service.api(`runs/${runId}/debug/step`, { body: { stepIds: ['hello'] } })).status,
  ).toBe(409);
  expect(await service.stop()).toBe(0);
}, 60_000);
