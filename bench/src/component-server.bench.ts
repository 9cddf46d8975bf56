// Flows through the `stepflow` plugin to the sample component server over stdio: a chain and a
// fan-out of 1,000 `/echo` steps, and a fan-out of steps doing one blobs/put + one blobs/get
// callback each; the fan-out is set against raw `components/execute` round trips to the same
// server (jsonrpc peer + stdio transport, no runtime), measured in the same run.
import { fileURLToPath } from 'node:url';
import { createJsonRpcPeer } from '@stepflow/jsonrpc';
import type { Flow } from '@stepflow/protocol';
import {
  createRuntime,
  createStepflowPluginFactory,
  resolveConfig,
  type Runtime,
} from '@stepflow/runtime';
import { spawnStdioTransport } from '@stepflow/transport-stdio';
import type { BenchRow } from './bench-row.ts';

const SAMPLE_SERVER = fileURLToPath(
  new URL('../../apps/sample-server/dist/main.js', import.meta.url),
);
const SCHEMA = 'https://stepflow.org/schemas/v1/flow.json';
const STEPS = 1000;
const ROUNDS = 3;
const INPUT = { text: 'hello, stepflow', n: 42, tags: ['a', 'b', 'c'] };

function chainFlow(): Flow {
  const steps = Array.from({ length: STEPS }, (_, i) => ({
    id: `s${i}`,
    component: '/sample/echo',
    input: i === 0 ? { $from: { workflow: 'input' } } : { $from: { step: `s${i - 1}` } },
  }));
  return { schema: SCHEMA, steps, output: { $from: { step: `s${STEPS - 1}` } } } as unknown as Flow;
}

function fanOutFlow(component: string, input: (i: number) => unknown): Flow {
  const steps = Array.from({ length: STEPS }, (_, i) => ({
    id: `s${i}`,
    component,
    input: input(i),
  }));
  return {
    schema: SCHEMA,
    steps,
    output: { first: { $from: { step: 's0' } }, last: { $from: { step: `s${STEPS - 1}` } } },
  } as unknown as Flow;
}

function sampleRuntime(): Runtime {
  const loaded = resolveConfig(
    {
      plugins: {
        sample: {
          type: 'stepflow',
          transport: 'stdio',
          command: process.execPath,
          args: [SAMPLE_SERVER],
        },
      },
      routes: { '/sample/{*component}': [{ plugin: 'sample' }] },
    },
    { baseDirectory: process.cwd() },
  );
  return createRuntime({
    config: loaded.config,
    workingDirectory: loaded.workingDirectory,
    pluginFactories: {
      stepflow: createStepflowPluginFactory({
        transports: {
          stdio: (launch, context) =>
            spawnStdioTransport({
              ...launch,
              stderrLines: context.logStderrLine,
              onNonJsonLine: context.logNonProtocolLine,
            }),
        },
      }),
    },
  });
}

/** Steps per second of one run of `flow` (fails loudly unless the run succeeds). */
async function stepsPerSecond(runtime: Runtime, flow: Flow, input: unknown): Promise<number> {
  const started = performance.now();
  const { result } = await runtime.run({ flow, input });
  const seconds = (performance.now() - started) / 1000;
  if (result.outcome !== 'success')
    throw new Error(`benchmark flow did not succeed: ${JSON.stringify(result).slice(0, 300)}`);
  return STEPS / seconds;
}

/**
 * `components/execute` round trips per second straight over stdio (jsonrpc peer, no runtime):
 * all `STEPS` in flight at once, or one at a time.
 */
async function rawRoundTrips(
  peer: ReturnType<typeof createJsonRpcPeer>,
  mode: 'parallel' | 'sequential',
): Promise<number> {
  const execute = (i: number): Promise<unknown> =>
    peer.request('components/execute', {
      component: '/echo',
      input: { i, ...INPUT },
      attempt: 1,
      observability: {
        run_id: '4f7e2c1a-0000-4000-8000-000000000000',
        flow_id: 'f'.repeat(64),
        step_id: `s${i}`,
      },
    });
  const started = performance.now();
  if (mode === 'parallel') await Promise.all(Array.from({ length: STEPS }, (_, i) => execute(i)));
  else for (let i = 0; i < STEPS; i++) await execute(i);
  return STEPS / ((performance.now() - started) / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export default async function componentServerBench(): Promise<BenchRow[]> {
  const runtime = sampleRuntime();
  const peer = createJsonRpcPeer(
    spawnStdioTransport({
      command: process.execPath,
      args: [SAMPLE_SERVER],
      stderrLines: () => undefined,
    }),
  );
  const chain = chainFlow();
  const fanOut = fanOutFlow('/sample/echo', (i) => ({ i, ...INPUT }));
  const blobs = fanOutFlow('/sample/blob_roundtrip', (i) => ({ value: { i, ...INPUT } }));
  const rates: Record<'chain' | 'fanOut' | 'raw' | 'rawSequential' | 'blobs', number[]> = {
    chain: [],
    fanOut: [],
    raw: [],
    rawSequential: [],
    blobs: [],
  };
  try {
    await peer.start();
    await peer.request('initialize', { runtime_protocol_version: 1 });
    await peer.notify('initialized', {});
    // Warm-up: both servers started, JIT warm.
    await rawRoundTrips(peer, 'parallel');
    await rawRoundTrips(peer, 'sequential');
    await stepsPerSecond(runtime, fanOut, {});
    await stepsPerSecond(runtime, chain, INPUT);
    await stepsPerSecond(runtime, blobs, {});
    // Interleaved so every figure sees the same machine load.
    for (let round = 0; round < ROUNDS; round++) {
      rates.raw.push(await rawRoundTrips(peer, 'parallel'));
      rates.rawSequential.push(await rawRoundTrips(peer, 'sequential'));
      rates.fanOut.push(await stepsPerSecond(runtime, fanOut, {}));
      rates.chain.push(await stepsPerSecond(runtime, chain, INPUT));
      rates.blobs.push(await stepsPerSecond(runtime, blobs, {}));
    }
  } finally {
    await Promise.allSettled([runtime.close(), peer.close()]);
  }
  const sample = `median of ${ROUNDS} runs of ${STEPS.toLocaleString('en-US')} steps`;
  const raw = median(rates.raw);
  const fan = median(rates.fanOut);
  return [
    {
      name: 'chain of 1,000 /echo steps over stdio',
      value: median(rates.chain),
      unit: 'steps/s',
      note: `one at a time; ${sample}`,
    },
    {
      name: 'fan-out of 1,000 /echo steps over stdio',
      value: fan,
      unit: 'steps/s',
      note: `all independent; ${sample}`,
    },
    {
      name: 'raw components/execute round trips, 1,000 in flight',
      value: raw,
      unit: 'req/s',
      note: 'baseline: jsonrpc peer + stdio to the same sample server, no runtime',
    },
    { name: 'fan-out / raw round trips', value: fan / raw, unit: 'x', note: 'goal ≥ 0.4' },
    {
      name: 'raw components/execute round trips, one at a time',
      value: median(rates.rawSequential),
      unit: 'req/s',
      note: 'baseline for the chain: same peer and server',
    },
    {
      name: 'chain / raw one-at-a-time round trips',
      value: median(rates.chain) / median(rates.rawSequential),
      unit: 'x',
    },
    {
      name: 'fan-out of 1,000 steps doing blobs/put + blobs/get',
      value: median(rates.blobs),
      unit: 'steps/s',
      note: `/blob_roundtrip (2 callbacks per step); ${sample}`,
    },
  ];
}
