// Several store objects on one database, as several `stepflow serve` processes would be: notices
// across connections, the listener surviving a dropped connection, and concurrent claimers
// sharing a batch's concurrency limit.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '@stepflow/protocol';
import type { StateStore } from '@stepflow/state-store';
import { watchNotices } from '@stepflow/state-store/testing';
import { createPostgresStateStore } from './index.ts';
import { startTestPostgres, testPostgresUnavailableReason, type TestPostgres } from './testing.ts';

const unavailable = testPostgresUnavailableReason();
const flow = { schema: 'https://stepflow.org/schemas/v1/flow.json', name: 'f', steps: [] };
const started = (runId: string): RunEvent => ({
  type: 'runStarted',
  runId,
  at: 0,
  flowId: 'f'.repeat(64),
  input: null,
});

describe.skipIf(unavailable !== undefined)('PostgreSQL scale-out', () => {
  let server: TestPostgres;
  let admin: pg.Pool;
  const stores: StateStore[] = [];
  let count = 0;
  const schema = () => `so_${process.pid}_${++count}`;
  const open = async (name: string) => {
    const store = await createPostgresStateStore({
      connectionString: server.url,
      schema: name,
      maxConnections: 4,
    });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    server = await startTestPostgres();
    admin = new pg.Pool({ connectionString: server.url, max: 2 });
  }, 60_000);
  afterAll(async () => {
    for (const store of stores) await store.close();
    await admin?.end();
    await server?.stop();
  });

  it('carries notices between store objects on separate connections', async () => {
    const name = schema();
    const [writer, reader] = [await open(name), await open(name)];
    const other = await open(schema());
    const { watch, next } = await watchNotices(reader);
    const elsewhere = await watchNotices(other);
    let work = next((n) => n.type === 'work');
    await writer.createRun({ id: 'r', flow, input: null });
    await work;
    // Many runs with long ids in one group: several NOTIFY payloads, every run delivered.
    const ids = Array.from({ length: 40 }, (_, i) => `${'x'.repeat(900)}-${i}`);
    await writer.createBatch({ id: 'b', flow, runs: ids.map((id) => ({ id, input: null })) });
    const delivered = ids.map((id) => next((n) => n.type === 'events' && n.runId === id));
    await writer.appendEvents(ids.map((id) => ({ runId: id, events: [started(id)] })));
    expect(await Promise.all(delivered)).toEqual(
      ids.map((runId) => ({ type: 'events', runId, lastSeq: 1 })),
    );
    // A rolled-back group notifies nothing; the next committed one arrives alone.
    const after = next((n) => n.type === 'events');
    await expect(
      writer.appendEvents([
        { runId: 'r', events: [started('r')] },
        { runId: 'ghost', events: [] },
      ]),
    ).rejects.toThrow(/ghost/);
    await writer.appendEvents([{ runId: ids[0]!, events: [started(ids[0]!)] }]);
    expect(await after).toEqual({ type: 'events', runId: ids[0], lastSeq: 2 });
    work = next((n) => n.type === 'work');
    await writer.acquireLease('r', 'w', 60_000);
    await writer.releaseLeases('w');
    await work;
    // Another schema is another store: its listener heard none of it.
    const mine = elsewhere.next(() => true);
    await other.createRun({ id: 'o', flow, input: null });
    expect(await mine).toEqual({ type: 'work' });
    await elsewhere.watch.close();
    await watch.close();
  });

  it('re-listens after its connection drops, and tells the listener to look again', async () => {
    const name = schema();
    const [writer, reader] = [await open(name), await open(name)];
    const { watch, next } = await watchNotices(reader);
    const reconnected = next((n) => n.type === 'work');
    const { rows } = await admin.query<{ ok: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1`,
      [`stepflow-watch:${name}`],
    );
    expect(rows).toEqual([{ ok: true }]);
    await reconnected;
    await writer.createRun({ id: 'r', flow, input: null });
    const grown = next((n) => n.type === 'events');
    await writer.appendEvents([{ runId: 'r', events: [started('r')] }]);
    expect(await grown).toEqual({ type: 'events', runId: 'r', lastSeq: 1 });
    await watch.close();
    // The last watch closed: the dedicated connection is gone.
    const left = await admin.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1`, [
      `stepflow-watch:${name}`,
    ]);
    expect(left.rowCount).toBe(0);
  });

  it('shares a batch among 4 claimers: no run twice, never more than maxConcurrency live', async () => {
    const name = schema();
    const claimers = await Promise.all([1, 2, 3, 4].map(() => open(name)));
    const runs = Array.from({ length: 200 }, (_, i) => ({ id: `r${i}`, input: i }));
    await claimers[0]!.createBatch({ id: 'b', flow, maxConcurrency: 10, runs });
    const claimedBy = new Map<string, string>();
    let mostLive = 0;
    const liveNow = async (): Promise<number> => {
      const { rows } = await admin.query<{ n: number }>(
        `SELECT COUNT(*)::integer AS n FROM ${name}.runs WHERE lease_expires_at > $1`,
        [Date.now()],
      );
      return rows[0]!.n;
    };
    const work = async (store: StateStore, owner: string): Promise<void> => {
      while (claimedBy.size < runs.length) {
        const got = await store.claimRuns(owner, 60_000, { limit: 4 });
        mostLive = Math.max(mostLive, await liveNow());
        for (const run of got) {
          expect(claimedBy.get(run.id), `${run.id} claimed twice`).toBeUndefined();
          claimedBy.set(run.id, owner);
        }
        // Each claimed run finishes, fenced by the lease it was claimed with.
        for (const run of got) {
          const lease = (await store.getLease(run.id))!;
          await store.appendEvents([
            {
              runId: run.id,
              events: [started(run.id)],
              fence: { owner, epoch: lease.epoch },
              status: 'completed',
            },
          ]);
        }
      }
    };
    await Promise.all(claimers.map((store, i) => work(store, `runtime-${i}`)));
    expect(claimedBy.size).toBe(200);
    expect(mostLive).toBeGreaterThan(0);
    expect(mostLive).toBeLessThanOrEqual(10);
    expect(new Set(claimedBy.values()).size).toBeGreaterThan(1);
    expect(await claimers[0]!.countRuns({ batchId: 'b', status: 'completed' })).toBe(200);
  }, 60_000);
});
