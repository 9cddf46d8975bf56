// Durable runs: the same fan-outs run in memory, journaled to SQLite (a file in a temp
// directory) and to PostgreSQL (a throwaway server, fsync on), with the ratios to memory from
// the same process; then 10,000 sequential small durable runs on SQLite for heap and disk use.
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createNodeRuntime, openStateStore } from '@stepflow/node-runtime';
import type { Flow, StepflowConfig } from '@stepflow/protocol';
import { defaultConfig, resolveConfig, type Runtime } from '@stepflow/runtime';
import type { StateStore } from '@stepflow/state-store';
import {
  startTestPostgres,
  testPostgresUnavailableReason,
  type TestPostgres,
} from '@stepflow/store-postgres/testing';
import type { BenchRow } from './bench-row.ts';

const SAMPLE_SERVER = fileURLToPath(
  new URL('../../apps/sample-server/dist/main.js', import.meta.url),
);
const SCHEMA = 'https://stepflow.org/schemas/v1/flow.json';
const STEPS = 1000;
const WARM_UP = 5;
const ROUNDS = 9;
const SEQUENTIAL_RUNS = 10_000;

type StoreKind = 'memory' | 'sqlite' | 'postgres';

function fanOut(component: string, input: (i: number) => unknown): Flow {
  return {
    schema: SCHEMA,
    steps: Array.from({ length: STEPS }, (_, i) => ({ id: `s${i}`, component, input: input(i) })),
    output: { last: { $from: { step: `s${STEPS - 1}` } } },
  } as unknown as Flow;
}

const builtinFanOut = fanOut('/builtin/create_messages', (i) => ({
  system_instructions: 'be brief',
  user_prompt: `prompt ${i}`,
}));
const serverFanOut = fanOut('/sample/echo', (i) => ({ i, text: 'hello, stepflow', n: 42 }));

/** Three builtin steps in a chain: what a small durable run costs. */
export const smallFlow = {
  schema: SCHEMA,
  steps: ['a', 'b', 'c'].map((id, i) => ({
    id,
    component: '/builtin/create_messages',
    input: {
      user_prompt:
        i === 0
          ? { $from: { workflow: 'input' }, path: 'p' }
          : { $from: { step: 'abc'[i - 1]! }, path: '$.messages[0].content' },
    },
  })),
  output: { $from: { step: 'c' } },
} as unknown as Flow;

/** The builtins plus the sample component server over stdio (normalised like a config file). */
function config(): StepflowConfig {
  const base = defaultConfig();
  return resolveConfig(
    {
      plugins: {
        ...base.plugins,
        sample: {
          type: 'stepflow',
          transport: 'stdio',
          command: process.execPath,
          args: [SAMPLE_SERVER],
        },
      },
      routes: { ...base.routes, '/sample/{*component}': [{ plugin: 'sample' }] },
    },
    { baseDirectory: process.cwd() },
  ).config;
}

/**
 * Median steps/s of `ROUNDS` runs of `flow`, after `WARM_UP` runs (the JIT needs several 1,000-step
 * runs before the engine reaches its speed; fewer rounds measure the warm-up).
 */
async function medianRate(runtime: Runtime, flow: Flow): Promise<number> {
  const rates: number[] = [];
  for (let round = 0; round < WARM_UP + ROUNDS; round++) {
    const started = performance.now();
    const { result } = await runtime.run({ flow, input: {} });
    const rate = STEPS / ((performance.now() - started) / 1000);
    if (result.outcome !== 'success') {
      throw new Error(`benchmark flow failed: ${JSON.stringify(result).slice(0, 300)}`);
    }
    if (round >= WARM_UP) rates.push(rate);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)]!;
}

async function measure(
  store: StateStore | undefined,
  directory: string,
): Promise<{ builtin: number; server: number }> {
  const runtime = createNodeRuntime({
    config: config(),
    workingDirectory: directory,
    ...(store === undefined ? {} : { stateStore: store }),
  });
  try {
    return {
      builtin: await medianRate(runtime, builtinFanOut),
      server: await medianRate(runtime, serverFanOut),
    };
  } finally {
    await runtime.close();
  }
}

function mib(bytes: number): number {
  return bytes / 1024 / 1024;
}

/** Node's collector, made callable without `--expose-gc` on the command line. */
function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function heapNow(): number {
  collectGarbage()();
  return process.memoryUsage().heapUsed;
}

/** 10,000 sequential small durable runs on SQLite: heap after 1k and 10k, bytes per run. */
async function sequentialRuns(directory: string): Promise<BenchRow[]> {
  const path = join(directory, 'sequential.db');
  const store = await openStateStore(`sqlite:${path}`);
  const runtime = createNodeRuntime({
    config: defaultConfig(),
    workingDirectory: directory,
    stateStore: store,
  });
  let heapAt1k = 0;
  const started = performance.now();
  try {
    for (let i = 0; i < SEQUENTIAL_RUNS; i++) {
      const { result } = await runtime.run({ flow: smallFlow, input: { p: `run ${i}` } });
      if (result.outcome !== 'success')
        throw new Error(`run ${i} failed: ${JSON.stringify(result).slice(0, 300)}`);
      if (i === 999) heapAt1k = heapNow();
    }
  } finally {
    await runtime.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const heapAt10k = heapNow();
  await store.close();
  const bytes = ['', '-wal', '-shm']
    .map((suffix) => `${path}${suffix}`)
    .filter((file) => existsSync(file))
    .reduce((sum, file) => sum + statSync(file).size, 0);
  return [
    { name: 'sqlite: sequential 3-step runs', value: SEQUENTIAL_RUNS / seconds, unit: 'runs/s' },
    {
      name: 'sqlite: heap after 1k runs',
      value: mib(heapAt1k),
      unit: 'MiB',
      note: 'after gc',
    },
    {
      name: 'sqlite: heap after 10k runs',
      value: mib(heapAt10k),
      unit: 'MiB',
      note: 'flat = no growth per run',
    },
    {
      name: 'sqlite: database bytes per run',
      value: bytes / SEQUENTIAL_RUNS,
      unit: 'B',
      note: '3 steps, file + WAL',
    },
  ];
}

export default async function durableBench(): Promise<BenchRow[]> {
  const directory = mkdtempSync(join(tmpdir(), 'stepflow-bench-durable-'));
  let postgres: TestPostgres | undefined;
  const rows: BenchRow[] = [];
  try {
    const rates = new Map<StoreKind, { builtin: number; server: number }>();
    rates.set('memory', await measure(undefined, directory));
    const sqlite = await openStateStore(`sqlite:${join(directory, 'fan-out.db')}`);
    try {
      rates.set('sqlite', await measure(sqlite, directory));
    } finally {
      await sqlite.close();
    }
    const unavailable = testPostgresUnavailableReason();
    if (unavailable === undefined) {
      postgres = await startTestPostgres({ fsync: true });
      const store = await openStateStore(postgres.url);
      try {
        rates.set('postgres', await measure(store, directory));
      } finally {
        await store.close();
      }
    }
    const memory = rates.get('memory')!;
    for (const [kind, rate] of rates) {
      rows.push(
        {
          name: `${kind}: builtin fan-out ×${STEPS}`,
          value: rate.builtin,
          unit: 'steps/s',
          note: goal(kind, 'builtin'),
        },
        {
          name: `${kind}: stdio server fan-out ×${STEPS}`,
          value: rate.server,
          unit: 'steps/s',
          note: goal(kind, 'server'),
        },
      );
      if (kind !== 'memory') {
        rows.push(
          {
            name: `${kind}/memory: builtin fan-out`,
            value: rate.builtin / memory.builtin,
            unit: 'x',
          },
          {
            name: `${kind}/memory: stdio server fan-out`,
            value: rate.server / memory.server,
            unit: 'x',
            note: kind === 'sqlite' ? 'goal ≥ 0.6' : undefined,
          },
        );
      }
    }
    if (unavailable !== undefined) {
      rows.push({ name: 'postgres', value: Number.NaN, unit: '', note: `skipped: ${unavailable}` });
    }
    rows.push(...(await sequentialRuns(directory)));
  } finally {
    await postgres?.stop();
    rmSync(directory, { recursive: true, force: true });
  }
  return rows;
}

function goal(kind: StoreKind, flow: 'builtin' | 'server'): string | undefined {
  if (kind === 'sqlite' && flow === 'builtin') return 'goal ≥ 100,000';
  if (kind === 'postgres') return 'goal ≥ 30,000';
  return undefined;
}
