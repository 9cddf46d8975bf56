// `stepflow serve`'s API in this process: `POST /runs` (waiting for the result) of a one-step
// builtin flow at 64 concurrent clients, with the memory and the SQLite store, against undici
// keep-alive POSTs to a bare node:http JSON echo in the same run; then a batch of 10,000 inputs
// of a three-step builtin flow on SQLite.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, defaultConfig } from '@stepflow/runtime';
import { createService, startServiceServer } from '@stepflow/service';
import type { StateStore } from '@stepflow/state-store';
import { createMemoryStateStore } from '@stepflow/state-store';
import { createSqliteStateStore } from '@stepflow/store-sqlite';
import { Pool } from 'undici';
import type { BenchRow } from './bench-row.ts';

const CLIENTS = 64;
const REQUESTS = 4000;
const BATCH_INPUTS = Number(process.env.SERVICE_BENCH_BATCH ?? 10_000);
const SCHEMA = 'https://stepflow.org/schemas/v1/flow.json';

const step = (id: string, from: object) => ({
  id,
  component: '/builtin/create_messages',
  input: { user_prompt: from },
});
const ONE_STEP = {
  schema: SCHEMA,
  name: 'one',
  steps: [step('a', { $from: { workflow: 'input' }, path: 'name' })],
  output: { $from: { step: 'a' } },
};
const THREE_STEPS = {
  schema: SCHEMA,
  name: 'three',
  steps: [
    step('a', { $from: { workflow: 'input' }, path: 'name' }),
    step('b', { $from: { step: 'a' }, path: '$.messages[0].content' }),
    step('c', { $from: { step: 'b' }, path: '$.messages[0].content' }),
  ],
  output: { $from: { step: 'c' } },
};

/** Requests sent before measuring, so both sides are compared warm (JIT, connections). */
const WARM_UP = 500;

/** Requests per second of `send` at CLIENTS concurrent clients, REQUESTS in all. */
async function throughput(send: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < WARM_UP) await send(next++);
    }),
  );
  next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < REQUESTS) await send(next++);
    }),
  );
  return REQUESTS / ((performance.now() - started) / 1000);
}

async function postJson(pool: Pool, path: string, body: unknown): Promise<unknown> {
  const response = await pool.request({
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`${path}: ${response.statusCode} ${text}`);
  return JSON.parse(text);
}

async function rawEcho(): Promise<number> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
    connections: CLIENTS,
  });
  try {
    return await throughput(async (i) => {
      await postJson(pool, '/', { flowId: 'x', input: { name: `n${i}` } });
    });
  } finally {
    await pool.close();
    await new Promise<void>((done) => server.close(() => done()));
  }
}

/** A service over `store` on a free port, with an undici pool to it. */
async function withService<T>(store: StateStore, use: (pool: Pool) => Promise<T>): Promise<T> {
  const runtime = createRuntime({
    config: defaultConfig(),
    workingDirectory: tmpdir(),
    stateStore: store,
  });
  const service = createService({ runtime, store });
  const server = await startServiceServer(service, { port: 0 });
  const pool = new Pool(server.url, { connections: CLIENTS });
  try {
    return await use(pool);
  } finally {
    await pool.close();
    service.close();
    await server.close();
    await runtime.close();
    await store.close();
  }
}

async function runsPerSecond(store: StateStore): Promise<number> {
  return withService(store, async (pool) => {
    const { flowId } = (await postJson(pool, '/api/v1/flows', { flow: ONE_STEP })) as {
      flowId: string;
    };
    return throughput(async (i) => {
      await postJson(pool, '/api/v1/runs', { flowId, input: { name: `n${i}` } });
    });
  });
}

async function batchStepsPerSecond(store: StateStore): Promise<number> {
  return withService(store, async (pool) => {
    const { flowId } = (await postJson(pool, '/api/v1/flows', { flow: THREE_STEPS })) as {
      flowId: string;
    };
    const inputs = Array.from({ length: BATCH_INPUTS }, (_, i) => ({ name: `n${i}` }));
    const started = performance.now();
    const { batchId } = (await postJson(pool, '/api/v1/batches', {
      flowId,
      inputs,
      maxConcurrency: 64,
    })) as { batchId: string };
    for (;;) {
      const response = await pool.request({ path: `/api/v1/batches/${batchId}`, method: 'GET' });
      const batch = (await response.body.json()) as { status: string; completedRuns: number };
      if (batch.status !== 'running') {
        if (batch.completedRuns !== BATCH_INPUTS)
          throw new Error(`batch ended: ${JSON.stringify(batch)}`);
        break;
      }
      await new Promise((done) => setTimeout(done, 100));
    }
    return (BATCH_INPUTS * 3) / ((performance.now() - started) / 1000);
  });
}

export default async function serviceBench(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'stepflow-service-bench-'));
  try {
    const raw = await rawEcho();
    const memory = await runsPerSecond(createMemoryStateStore());
    const sqlite = await runsPerSecond(createSqliteStateStore({ path: join(dir, 'runs.db') }));
    const batch = await batchStepsPerSecond(
      createSqliteStateStore({ path: join(dir, 'batch.db') }),
    );
    const note = `${CLIENTS} clients, ${REQUESTS} requests after ${WARM_UP} to warm up`;
    return [
      { name: 'raw undici POST to a node:http JSON echo', value: raw, unit: 'req/s', note },
      {
        name: 'POST /runs (wait), 1 builtin step, memory store',
        value: memory,
        unit: 'runs/s',
        note: `${(memory / raw).toFixed(2)} of raw (goal ≥ 0.3)`,
      },
      {
        name: 'POST /runs (wait), 1 builtin step, SQLite store',
        value: sqlite,
        unit: 'runs/s',
        note: `${(sqlite / raw).toFixed(2)} of raw (goal ≥ 0.2)`,
      },
      {
        name: `batch of ${BATCH_INPUTS.toLocaleString('en-US')} × 3 builtin steps, SQLite`,
        value: batch,
        unit: 'steps/s',
        note: 'maxConcurrency 64',
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
