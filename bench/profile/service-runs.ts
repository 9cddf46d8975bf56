// Profiling driver (not a bench file): `POST /runs` (wait) of a one-step builtin flow at 64
// concurrent clients against the service in this process; prints CPU per run and runs/s.
// Usage: node --import tsx [--cpu-prof] profile/service-runs.ts memory|sqlite [requests]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, defaultConfig } from '@stepflow/runtime';
import { createService, startServiceServer } from '@stepflow/service';
import { createMemoryStateStore } from '@stepflow/state-store';
import { createSqliteStateStore } from '@stepflow/store-sqlite';
import { Pool } from 'undici';

const kind = process.argv[2] ?? 'sqlite';
const requests = Number(process.argv[3] ?? 20_000);
const CLIENTS = 64;
const directory = mkdtempSync(join(tmpdir(), 'stepflow-profile-'));
const store =
  kind === 'memory'
    ? createMemoryStateStore()
    : createSqliteStateStore({ path: join(directory, 'runs.db') });
const runtime = createRuntime({
  config: defaultConfig(),
  workingDirectory: directory,
  stateStore: store,
});
const service = createService({ runtime, store });
const server = await startServiceServer(service, { port: 0 });
const pool = new Pool(server.url, { connections: CLIENTS });

async function post(path: string, body: unknown): Promise<unknown> {
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

const flow = {
  schema: 'https://stepflow.org/schemas/v1/flow.json',
  name: 'one',
  steps: [
    {
      id: 'a',
      component: '/builtin/create_messages',
      input: { user_prompt: { $from: { workflow: 'input' }, path: 'name' } },
    },
  ],
  output: { $from: { step: 'a' } },
};
const { flowId } = (await post('/api/v1/flows', { flow })) as { flowId: string };
async function round(count: number): Promise<{ rate: number; cpu: number }> {
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < count) await post('/api/v1/runs', { flowId, input: { name: `n${next++}` } });
    }),
  );
  const used = process.cpuUsage(cpu);
  return {
    rate: count / ((performance.now() - started) / 1000),
    cpu: (used.user + used.system) / count,
  };
}
await round(1000);
const { rate, cpu } = await round(requests);
await pool.close();
service.close();
await server.close();
await runtime.close();
await store.close();
rmSync(directory, { recursive: true, force: true });
console.log(
  `${kind}: ${cpu.toFixed(1)} µs CPU per run, ${rate.toFixed(0)} runs/s over ${requests} runs`,
);
