// `stepflow serve --store postgres://…` against a real PostgreSQL: runs and a batch in flight,
// kill -9, a restart: every run finishes with the right result, no recorded step runs twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestPostgres,
  testPostgresUnavailableReason,
  type TestPostgres,
} from '@stepflow/store-postgres/testing';
import {
  createWorkspace,
  eventually,
  GATED_FLOW,
  processesOf,
  startService,
} from './service-harness.ts';

const unavailable = testPostgresUnavailableReason();
const RUNS = 10;
const BATCH = 6;

describe.skipIf(unavailable !== undefined)('stepflow serve on PostgreSQL', () => {
  let server: TestPostgres | undefined;
  beforeAll(async () => {
    server = await startTestPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('finishes runs and a batch after kill -9 and a restart', async () => {
    const workspace = await createWorkspace();
    const args = ['--store', server!.url];
    const first = await startService(workspace.dir, args);
    expect(first.stderr()).toMatch(/store postgres/);
    const flowId = (await first.api('flows', { body: { flow: GATED_FLOW } })).body.flowId;
    const keys = Array.from({ length: RUNS }, (_, i) => `pg-${i}`);
    const created = await Promise.all(
      keys.map((key) => first.api('runs', { body: { flowId, input: { key }, wait: false } })),
    );
    expect(created.map((c) => c.status)).toEqual(keys.map(() => 202));
    const batchKeys = Array.from({ length: BATCH }, (_, i) => `pg-batch-${i}`);
    const { batchId } = (
      await first.api('batches', {
        body: { flowId, inputs: batchKeys.map((key) => ({ key })), maxConcurrency: 2 },
      })
    ).body;
    // Every run and two of the batch's wait at the gate, their first step recorded.
    await eventually(async () => {
      const starts = (await workspace.records()).filter((r) => r.component === 'gate');
      return starts.length === RUNS + 2 ? true : undefined;
    });

    first.child.kill('SIGKILL');
    expect(await first.stop()).toBe(null);
    await eventually(async () =>
      (await processesOf(workspace.dir)).length === 0 ? true : undefined,
    );
    await workspace.openGate();
    const second = await startService(workspace.dir, args);
    // The runtime restarted on this host hands back its dead predecessor's leases at once and
    // claims the runs: every plain run, the batch's up to its limit (the rest as those end).
    expect(second.stderr()).toMatch(new RegExp(`claimed ${RUNS + 2}\\b`));
    for (const [index, { body }] of created.entries()) {
      const run = await eventually(async () => {
        const found = (await second.api(`runs/${body.runId}`)).body;
        return found.status === 'running' ? undefined : found;
      });
      expect(run).toMatchObject({
        status: 'completed',
        result: {
          outcome: 'success',
          result: {
            first: { key: keys[index], recorded: true },
            second: { key: keys[index], passed: true },
          },
        },
      });
    }
    const batch = await eventually(async () => {
      const found = (await second.api(`batches/${batchId}`)).body;
      return found.status === 'completed' ? found : undefined;
    });
    expect(batch).toMatchObject({ completedRuns: BATCH, runningRuns: 0, failedRuns: 0 });
    const outputs = (await second.api(`batches/${batchId}/outputs`)).body.outputs;
    expect(
      outputs.map(
        (o: { result: { result: { second: { key: string } } } }) => o.result.result.second.key,
      ),
    ).toEqual(batchKeys);
    const records = await workspace.records();
    for (const key of [...keys, ...batchKeys]) {
      expect(records.filter((r) => r.key === key && r.component === 'record')).toHaveLength(1);
      expect(
        records.filter((r) => r.key === key && r.component === 'gate' && r.event === 'done'),
      ).toHaveLength(1);
    }
    expect((await second.api('batches?status=completed')).body.batches).toHaveLength(1);
    expect(await second.stop()).toBe(0);
    expect(await processesOf(workspace.dir)).toEqual([]);
  }, 120_000);
});
