// Kill -9 of `stepflow serve` (default SQLite store) with 100 runs in flight, then a restart:
// every run finishes with the right result and no step whose result was recorded runs again.
import { expect, it } from 'vitest';
import {
  createWorkspace,
  eventually,
  GATED_FLOW,
  processesOf,
  startService,
} from './service-harness.ts';

const RUNS = 100;

it('finishes every in-flight run after kill -9 and a restart, re-executing no recorded step', async () => {
  const workspace = await createWorkspace();
  const first = await startService(workspace.dir);
  expect(first.stderr()).toMatch(/store sqlite/);
  const flowId = (await first.api('flows', { body: { flow: GATED_FLOW } })).body.flowId;
  const keys = Array.from({ length: RUNS }, (_, i) => `key-${i}`);
  const created = await Promise.all(
    keys.map((key) => first.api('runs', { body: { flowId, input: { key }, wait: false } })),
  );
  expect(created.every((c) => c.status === 202)).toBe(true);
  const runIds = created.map((c) => c.body.runId as string);
  // Every run is in its second step: the first step's result was recorded before it started.
  await eventually(async () => {
    const starts = (await workspace.records()).filter((r) => r.component === 'gate');
    return starts.length === RUNS ? true : undefined;
  });

  first.child.kill('SIGKILL');
  expect(await first.stop()).toBe(null);
  // The component server sees its stdin end and goes too: nothing is left behind.
  await eventually(async () =>
    (await processesOf(workspace.dir)).length === 0 ? true : undefined,
  );

  await workspace.openGate();
  const second = await startService(workspace.dir);
  expect(second.stderr()).toMatch(new RegExp(`resumed ${RUNS} runs`));
  for (const [index, runId] of runIds.entries()) {
    const run = await eventually(async () => {
      const body = (await second.api(`runs/${runId}`)).body;
      return body.status === 'running' ? undefined : body;
    });
    expect(run.status).toBe('completed');
    expect(run.result).toEqual({
      outcome: 'success',
      result: {
        first: { key: keys[index], recorded: true },
        second: { key: keys[index], passed: true },
      },
    });
  }
  const records = await workspace.records();
  for (const key of keys) {
    // Recorded before the crash: never executed again.
    expect(records.filter((r) => r.key === key && r.component === 'record')).toHaveLength(1);
    // In flight at the crash: executed again, and completed exactly once.
    expect(
      records.filter((r) => r.key === key && r.component === 'gate' && r.event === 'done'),
    ).toHaveLength(1);
  }
  expect((await second.api('runs?status=running')).body.runs).toEqual([]);
  expect((await second.api(`runs?status=completed&limit=1000`)).body.runs).toHaveLength(RUNS);
  expect(await second.stop()).toBe(0);
  expect(await processesOf(workspace.dir)).toEqual([]);
}, 120_000);

it('SIGTERM exits 0 and leaves in-flight runs to the next process', async () => {
  const workspace = await createWorkspace();
  const first = await startService(workspace.dir);
  const flowId = (await first.api('flows', { body: { flow: GATED_FLOW } })).body.flowId;
  const { runId } = (
    await first.api('runs', { body: { flowId, input: { key: 'term' }, wait: false } })
  ).body;
  await eventually(async () =>
    (await workspace.records()).some((r) => r.component === 'gate') ? true : undefined,
  );
  expect(await first.stop('SIGTERM')).toBe(0);
  await eventually(async () =>
    (await processesOf(workspace.dir)).length === 0 ? true : undefined,
  );
  await workspace.openGate();
  const second = await startService(workspace.dir);
  expect(second.stderr()).toMatch(/resumed 1 runs/);
  const run = await eventually(async () => {
    const body = (await second.api(`runs/${runId}`)).body;
    return body.status === 'running' ? undefined : body;
  });
  expect(run).toMatchObject({ status: 'completed', result: { outcome: 'success' } });
  expect((await workspace.records()).filter((r) => r.component === 'record')).toHaveLength(1);
  expect(await second.stop()).toBe(0);
  expect(await processesOf(workspace.dir)).toEqual([]);
}, 60_000);

it("resumes a batch's runs after kill -9 at most maxConcurrency at a time", async () => {
  const workspace = await createWorkspace();
  const first = await startService(workspace.dir);
  const flowId = (await first.api('flows', { body: { flow: GATED_FLOW } })).body.flowId;
  const keys = Array.from({ length: 12 }, (_, i) => `batch-${i}`);
  const { batchId } = (
    await first.api('batches', {
      body: { flowId, inputs: keys.map((key) => ({ key })), maxConcurrency: 3 },
    })
  ).body;
  const gateStarts = async () =>
    (await workspace.records()).filter((r) => r.component === 'gate' && r.event === 'start');
  await eventually(async () => ((await gateStarts()).length === 3 ? true : undefined));

  first.child.kill('SIGKILL');
  expect(await first.stop()).toBe(null);
  await eventually(async () =>
    (await processesOf(workspace.dir)).length === 0 ? true : undefined,
  );
  const beforeRestart = (await workspace.records()).length;
  await workspace.openGate();
  const second = await startService(workspace.dir);
  expect(second.stderr()).toMatch(/resumed 12 runs/);
  const batch = await eventually(async () => {
    const body = (await second.api(`batches/${batchId}`)).body;
    return body.status === 'completed' ? body : undefined;
  });
  expect(batch).toMatchObject({ completedRuns: 12, runningRuns: 0, failedRuns: 0 });
  const outputs = (await second.api(`batches/${batchId}/outputs`)).body.outputs;
  expect(
    outputs.map(
      (o: { result: { result: { second: { key: string } } } }) => o.result.result.second.key,
    ),
  ).toEqual(keys);
  // The component server counts the gate calls in flight: never more than the batch allows.
  const resumedStarts = (await workspace.records())
    .slice(beforeRestart)
    .filter((r) => r.component === 'gate' && r.event === 'start');
  expect(resumedStarts).toHaveLength(12);
  expect(Math.max(...resumedStarts.map((r) => r.inFlight ?? 0))).toBeLessThanOrEqual(3);
  expect(await second.stop()).toBe(0);
  expect(await processesOf(workspace.dir)).toEqual([]);
}, 120_000);
