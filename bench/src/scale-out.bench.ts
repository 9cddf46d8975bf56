// Scale-out: a batch of 5,000 runs of a 3-step builtin flow on one PostgreSQL, executed by 1, 2
// and 3 runtimes (in-process services, each with its own store connection pool) claiming from the
// shared queue, against one service executing the batch without the claim protocol. Reports runs/s,
// steps/s, the ratio to that single-runtime figure, and per run the rows written and transactions
// committed (pg_stat_database deltas: a transaction is at least one round trip).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createNodeRuntime } from '@stepflow/node-runtime';
import type { Flow } from '@stepflow/protocol';
import { createStateStoreJournal, defaultConfig } from '@stepflow/runtime';
import { createService, RunFences, type Service } from '@stepflow/service';
import type { StateStore } from '@stepflow/state-store';
import { createPostgresStateStore } from '@stepflow/store-postgres';
import {
  findPostgresBinaries,
  startTestPostgres,
  testPostgresUnavailableReason,
  type TestPostgres,
} from '@stepflow/store-postgres/testing';
import type { BenchRow } from './bench-row.ts';
import { smallFlow } from './durable.bench.ts';

const RUNS = 5000;
const STEPS_PER_RUN = 3;
/** The batch's limit: high enough that the runtimes' `maxRuns` is what bounds them. */
const BATCH_CONCURRENCY = 1000;
const MAX_RUNS = 64;

const flow = { ...smallFlow, name: 'three-builtins' } as Flow;

interface Runtime {
  readonly service: Service;
  close(): Promise<void>;
}

/** Database-wide counters: committed transactions and rows written. */
function counters(postgres: TestPostgres): { xacts: number; rows: number } {
  const psql = join(findPostgresBinaries()!, 'psql');
  const out = execFileSync(
    psql,
    [
      '-h',
      postgres.directory,
      '-U',
      'stepflow',
      '-d',
      'postgres',
      '-Atc',
      "select xact_commit, tup_inserted + tup_updated + tup_deleted from pg_stat_database where datname = 'postgres'; select pg_stat_clear_snapshot();",
    ],
    { encoding: 'utf8' },
  );
  const [xacts, rows] = out.split('\n')[0]!.split('|').map(Number);
  return { xacts: xacts!, rows: rows! };
}

async function openRuntime(
  postgres: TestPostgres,
  schema: string,
  shared: boolean,
): Promise<Runtime> {
  const store: StateStore = await createPostgresStateStore({
    connectionString: postgres.url,
    schema,
  });
  const fences = shared ? new RunFences() : undefined;
  const runtime = createNodeRuntime({
    config: defaultConfig(),
    workingDirectory: process.cwd(),
    stateStore: store,
    ...(fences === undefined
      ? {}
      : { journal: createStateStoreJournal(store, { fenceOf: fences.fenceOf }) }),
  });
  const service = createService({
    runtime,
    store,
    ...(fences === undefined ? {} : { scaleOut: { fences, maxRuns: MAX_RUNS } }),
  });
  await service.resumeRuns();
  return {
    service,
    async close() {
      service.close();
      await service.claimer?.release();
      await runtime.close();
      await store.close();
    },
  };
}

async function api(service: Service, path: string, body?: unknown): Promise<unknown> {
  const response = await service.fetch(
    new Request(`http://127.0.0.1/api/v1/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', host: '127.0.0.1' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Seconds for one batch of `RUNS` executed by `count` runtimes (or one without claims). */
async function measure(
  postgres: TestPostgres,
  count: number,
  shared: boolean,
): Promise<{ seconds: number; xacts: number; rows: number }> {
  const schema = `bench_${shared ? 'shared' : 'local'}_${count}`;
  const runtimes: Runtime[] = [];
  for (let i = 0; i < count; i++) runtimes.push(await openRuntime(postgres, schema, shared));
  let seconds: number;
  const before = counters(postgres);
  try {
    const first = runtimes[0]!.service;
    const { flowId } = (await api(first, 'flows', { flow })) as { flowId: string };
    const started = performance.now();
    const inputs = Array.from({ length: RUNS }, (_, i) => ({ p: `prompt ${i}` }));
    const { batchId } = (await api(first, 'batches', {
      flowId,
      inputs,
      maxConcurrency: BATCH_CONCURRENCY,
    })) as { batchId: string };
    for (;;) {
      const batch = (await api(first, `batches/${batchId}`)) as { status: string };
      if (batch.status === 'completed') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    seconds = (performance.now() - started) / 1000;
  } finally {
    for (const runtime of runtimes) await runtime.close();
  }
  // Read once every connection closed: a backend reports its counters when it goes idle or away.
  const after = counters(postgres);
  return { seconds, xacts: after.xacts - before.xacts, rows: after.rows - before.rows };
}

export default async function scaleOutBench(): Promise<BenchRow[]> {
  const unavailable = testPostgresUnavailableReason();
  if (unavailable !== undefined)
    return [{ name: 'skipped', value: Number.NaN, unit: '', note: unavailable }];
  const postgres = await startTestPostgres();
  try {
    const rows: BenchRow[] = [];
    const base = await measure(postgres, 1, false);
    const baseRate = RUNS / base.seconds;
    const report = (label: string, m: typeof base): void => {
      const rate = RUNS / m.seconds;
      rows.push(
        { name: `${label}: runs/s`, value: rate, unit: 'runs/s', note: `batch of ${RUNS}` },
        { name: `${label}: steps/s`, value: rate * STEPS_PER_RUN, unit: 'steps/s' },
        {
          name: `${label}: ratio to 1 runtime without claims`,
          value: rate / baseRate,
          unit: '×',
        },
        { name: `${label}: rows written per run`, value: m.rows / RUNS, unit: 'rows' },
        {
          name: `${label}: transactions per run`,
          value: m.xacts / RUNS,
          unit: 'xacts',
          note: 'committed, from pg_stat_database: each at least one round trip',
        },
      );
    };
    report('1 runtime, no claims', base);
    for (const count of [1, 2, 3])
      report(`${count} runtime(s), claimed`, await measure(postgres, count, true));
    return rows;
  } finally {
    await postgres.stop();
  }
}
