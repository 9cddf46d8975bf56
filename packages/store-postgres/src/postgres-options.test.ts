import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '@stepflow/protocol';
import type { StateStore } from '@stepflow/state-store';
import { createManualStoreClock, expectStoreError } from '@stepflow/state-store/testing';
import {
  createPostgresStateStore,
  openPostgresStateStoreFromUrl,
  POSTGRES_SCHEMA_VERSION,
} from './index.ts';
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

describe.skipIf(unavailable !== undefined)('createPostgresStateStore', () => {
  let server: TestPostgres;
  let admin: pg.Pool;
  const stores: StateStore[] = [];
  let count = 0;
  const schema = () => `opt_${process.pid}_${++count}`;
  const open = async (options: { schema: string; autoMigrate?: boolean }) => {
    const store = await createPostgresStateStore({
      connectionString: server.url,
      maxConnections: 4,
      clock: createManualStoreClock(),
      ...options,
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

  it('migrates once when several processes start at the same moment', async () => {
    const name = schema();
    await Promise.all(Array.from({ length: 5 }, () => open({ schema: name })));
    const { rows } = await admin.query(`SELECT version, name FROM ${name}.schema_migrations`);
    expect(rows).toEqual([
      { version: 1, name: 'create_state_store' },
      { version: 2, name: 'batch_positions' },
      { version: 3, name: 'pending_answer_prompt_as_json' },
      { version: POSTGRES_SCHEMA_VERSION, name: 'lease_epochs' },
    ]);
  });

  it('upgrades a version 1 schema: its batches are numbered by creation time', async () => {
    const name = schema();
    const first = await open({ schema: name });
    await first.createRun({ id: 'keep-flow', flow, input: null });
    // Back to version 1: no batch positions, no lease epochs.
    await admin.query(`ALTER TABLE ${name}.batches DROP COLUMN position`);
    await admin.query(`ALTER TABLE ${name}.runs DROP COLUMN lease_epoch`);
    await admin.query(`DROP INDEX ${name}.runs_lease_owner`);
    await admin.query(`DELETE FROM ${name}.schema_migrations WHERE version >= 2`);
    const flowId = (await first.getRun('keep-flow'))!.flowId;
    for (const [id, createdAt] of [
      ['late', 9],
      ['early', 3],
    ] as const)
      await admin.query(
        `INSERT INTO ${name}.batches VALUES ($1, $2, 'f', 0, 'running', NULL, $3, $3)`,
        [id, flowId, createdAt],
      );
    const upgraded = await open({ schema: name });
    await upgraded.createBatch({ id: 'new', flowId, runs: [] });
    expect((await upgraded.listBatches()).map((b) => b.id)).toEqual(['early', 'late', 'new']);
  });

  it('serialises writers of separate pools: one expectedSeq wins, claims never overlap', async () => {
    const name = schema();
    const [a, b] = [await open({ schema: name }), await open({ schema: name })];
    await a.createRun({ id: 'r', flow, input: null });
    const outcomes = await Promise.allSettled([
      a.appendEvents([{ runId: 'r', events: [started('r')], expectedSeq: 0 }]),
      b.appendEvents([{ runId: 'r', events: [started('r')], expectedSeq: 0 }]),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    for (let i = 0; i < 30; i++) await a.createRun({ id: `w${i}`, flow, input: i });
    const claims = await Promise.all(
      [a, b, a, b].map((store, k) => store.claimRuns(`worker-${k}`, 60_000, { limit: 10 })),
    );
    const ids = claims.flat().map((run) => run.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(31);
  });

  it('refuses a missing schema when automatic migration is off', async () => {
    const error = await expectStoreError(
      open({ schema: schema(), autoMigrate: false }),
      'schema-outdated',
    );
    expect(error.message).toMatch(/autoMigrate/);
  });

  it('refuses bad options and unreachable servers without echoing passwords', async () => {
    await expectStoreError(open({ schema: 'Bad-Name' }), 'invalid-input');
    await expectStoreError(
      createPostgresStateStore({ connectionString: server.url, maxConnections: 0 }),
      'invalid-input',
    );
    await expectStoreError(openPostgresStateStoreFromUrl('sqlite:x.db'), 'invalid-input');
    const error = await expectStoreError(
      openPostgresStateStoreFromUrl('postgres://me:s3cret@127.0.0.1:1/db'),
      'invalid-input',
    );
    expect(error.message).toMatch(/Cannot connect to PostgreSQL postgres:\/\/me:\*\*\*@127/);
    expect(error.message).not.toContain('s3cret');
  });
});
