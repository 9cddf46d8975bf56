import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { StateStoreError, type StateStore } from '@stepflow/state-store';
import { createManualStoreClock, expectStoreError } from '@stepflow/state-store/testing';
import {
  createSqliteStateStore,
  openSqliteStateStoreFromUrl,
  SQLITE_SCHEMA_VERSION,
} from './index.ts';
import { APPLICATION_ID, MIGRATIONS } from './internal/sqlite-migrations.ts';

const flow = { schema: 'https://stepflow.org/schemas/v1/flow.json', name: 'f', steps: [] };
const started = (runId: string) => ({
  type: 'runStarted' as const,
  runId,
  at: 0,
  flowId: 'f'.repeat(64),
  input: null,
});

describe('createSqliteStateStore', () => {
  const cleanups: (() => Promise<void>)[] = [];
  const directory = async (): Promise<string> => {
    const created = await mkdtemp(join(tmpdir(), 'stepflow-sqlite-'));
    cleanups.push(() => rm(created, { recursive: true, force: true }));
    return created;
  };
  const open = (...args: Parameters<typeof createSqliteStateStore>): StateStore => {
    const store = createSqliteStateStore(...args);
    cleanups.unshift(() => store.close());
    return store;
  };
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('creates a WAL file with its migrations recorded and its application id set', async () => {
    const path = join(await directory(), 'state.db');
    open({ path });
    const raw = new BetterSqlite3(path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.pragma('application_id', { simple: true })).toBe(0x53465354);
      expect(raw.prepare('SELECT version, name FROM schema_migrations').all()).toEqual([
        { version: 1, name: 'create_state_store' },
        { version: 2, name: 'batch_positions' },
        { version: 3, name: 'pending_answer_prompt_as_json' },
        { version: SQLITE_SCHEMA_VERSION, name: 'lease_epochs' },
      ]);
    } finally {
      raw.close();
    }
  });

  it('upgrades a version 1 file: its batches keep their creation order, new ones come after', async () => {
    const path = join(await directory(), 'v1.db');
    const raw = new BetterSqlite3(path);
    raw.pragma('journal_mode = WAL');
    raw.exec(MIGRATIONS[0]!.sql);
    raw.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, ' +
        'applied_at INTEGER NOT NULL)',
    );
    raw.prepare("INSERT INTO schema_migrations VALUES (1, 'create_state_store', 0)").run();
    raw.pragma(`application_id = ${APPLICATION_ID}`);
    raw.prepare("INSERT INTO blobs VALUES ('f', '{}', 'flow', 0)").run();
    const insert = raw.prepare(
      "INSERT INTO batches VALUES (?, 'f', NULL, 0, 'running', NULL, 5, 5)",
    );
    for (const id of ['old-b', 'old-a']) insert.run(id);
    raw.close();
    const store = open({ path });
    await store.createBatch({ id: 'new', flow, runs: [] });
    expect((await store.listBatches()).map((b) => b.id)).toEqual(['old-b', 'old-a', 'new']);
    expect((await store.listBatches({ order: 'desc', limit: 1 })).map((b) => b.id)).toEqual([
      'new',
    ]);
  });

  it('migrates a version 2 file: its string prompts become JSON strings', async () => {
    const path = join(await directory(), 'v2.db');
    const raw = new BetterSqlite3(path);
    try {
      raw.pragma('journal_mode = WAL');
      raw.exec(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, ' +
          'applied_at INTEGER NOT NULL)',
      );
      for (const migration of MIGRATIONS.filter((m) => m.version <= 2)) {
        raw.exec(migration.sql);
        raw
          .prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)')
          .run(migration.version, migration.name);
      }
      raw.pragma(`application_id = ${APPLICATION_ID}`);
      raw.prepare("INSERT INTO blobs VALUES ('f', '{}', 'flow', 0)").run();
      raw
        .prepare(
          "INSERT INTO runs (id, flow_id, input, status, created_at, updated_at, last_seq) VALUES ('r', 'f', 'null', 'paused', 0, 0, 0)",
        )
        .run();
      raw
        .prepare(
          "INSERT INTO pending_answers (run_id, step_id, prompt, created_at) VALUES ('r', 's', 'Ship it?', 0)",
        )
        .run();
    } finally {
      raw.close();
    }
    const store = open({ path });
    expect(await store.getPendingAnswer('r', 's')).toMatchObject({ prompt: 'Ship it?' });
  });

  it('shares one file between two connections: conflicts and claims are detected across them', async () => {
    const path = join(await directory(), 'shared.db');
    const clock = createManualStoreClock();
    const first = open({ path, clock });
    const second = open({ path, clock });
    await first.createRun({ id: 'r', flow, input: null });
    await first.appendEvents([{ runId: 'r', events: [started('r')], expectedSeq: 0 }]);
    await expectStoreError(
      second.appendEvents([{ runId: 'r', events: [started('r')], expectedSeq: 0 }]),
      'sequence-conflict',
    );
    expect((await second.readEvents('r')).length).toBe(1);
    for (let i = 0; i < 4; i++) await first.createRun({ id: `w${i}`, flow, input: i });
    const a = await first.claimRuns('a', 1000, { limit: 3 });
    const b = await second.claimRuns('b', 1000, { limit: 3 });
    expect([...a, ...b].map((run) => run.id).sort()).toEqual(['r', 'w0', 'w1', 'w2', 'w3']);
  });

  it('migrates a version 3 file: a held lease keeps epoch 0 until it is taken anew', async () => {
    const path = join(await directory(), 'v3.db');
    const raw = new BetterSqlite3(path);
    try {
      raw.pragma('journal_mode = WAL');
      raw.exec(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, ' +
          'applied_at INTEGER NOT NULL)',
      );
      for (const migration of MIGRATIONS.filter((m) => m.version <= 3)) {
        raw.exec(migration.sql);
        raw
          .prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)')
          .run(migration.version, migration.name);
      }
      raw.pragma(`application_id = ${APPLICATION_ID}`);
      raw.prepare("INSERT INTO blobs VALUES ('f', '{}', 'flow', 0)").run();
      raw
        .prepare(
          'INSERT INTO runs (id, flow_id, input, status, created_at, updated_at, lease_owner, ' +
            "lease_acquired_at, lease_expires_at) VALUES ('r', 'f', 'null', 'running', 0, 0, 'old', 0, 100)",
        )
        .run();
    } finally {
      raw.close();
    }
    const clock = createManualStoreClock(0);
    const store = open({ path, clock });
    expect(await store.getLease('r')).toEqual({
      runId: 'r',
      owner: 'old',
      acquiredAt: 0,
      expiresAt: 100,
      epoch: 0,
    });
    expect(await store.renewLeases('old', 100)).toEqual(['r']);
    await store.appendEvents([{ runId: 'r', events: [], fence: { owner: 'old', epoch: 0 } }]);
    clock.advance(100);
    expect(await store.claimRuns('new', 100)).toMatchObject([{ id: 'r', leaseOwner: 'new' }]);
    expect((await store.getLease('r'))?.epoch).toBe(1);
  });

  it('refuses a missing file in rw mode and an old schema without automatic migration', async () => {
    const dir = await directory();
    const missing = join(dir, 'missing.db');
    expect(() => createSqliteStateStore({ path: missing, mode: 'rw' })).toThrow(missing);
    try {
      createSqliteStateStore({ path: join(dir, 'empty.db'), autoMigrate: false });
      expect.unreachable();
    } catch (error) {
      expect(StateStoreError.isInstance(error, 'schema-outdated')).toBe(true);
      expect((error as Error).message).toContain(join(dir, 'empty.db'));
    }
  });

  it('reads a store read-only', async () => {
    const path = join(await directory(), 'ro.db');
    const writer = open({ path });
    await writer.createRun({ id: 'r', flow, input: 'kept' });
    const reader = open({ path, mode: 'ro' });
    expect((await reader.getRun('r'))?.input).toBe('kept');
    await expect(reader.createRun({ id: 'x', flow, input: null })).rejects.toThrow(/readonly/);
  });

  it('refuses bad options clearly', () => {
    expect(() => createSqliteStateStore({ path: '' })).toThrow(/path must be/);
    expect(() => createSqliteStateStore({ path: ':memory:', synchronous: 'OFF' as never })).toThrow(
      /synchronous must be NORMAL or FULL/,
    );
  });
});

describe('openSqliteStateStoreFromUrl', () => {
  it('opens sqlite: URLs, including sqlite::memory: and options in the query', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stepflow-sqlite-url-'));
    try {
      const memory = openSqliteStateStoreFromUrl('sqlite::memory:');
      expect(memory.kind).toBe('sqlite');
      await memory.close();
      const file = openSqliteStateStoreFromUrl(`sqlite:${dir}/sub/s.db?mode=rwc&synchronous=full`);
      await file.createRun({ id: 'r', flow, input: null });
      await file.close();
      const again = openSqliteStateStoreFromUrl(`sqlite://${dir}/sub/s.db?mode=rw`);
      expect(await again.countRuns()).toBe(1);
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses URLs of other stores', () => {
    expect(() => openSqliteStateStoreFromUrl('postgres://localhost/db')).toThrow(
      /Not a SQLite store URL/,
    );
    expect(() => openSqliteStateStoreFromUrl('memory')).toThrow(/Not a SQLite store URL/);
  });
});
