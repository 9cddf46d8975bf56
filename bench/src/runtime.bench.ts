// Engine throughput and memory: a chain of 1,000 builtin steps, a fan-out of 1,000 independent
// builtin steps joined by one, and heap after 10,000 sequential in-memory runs vs after 1,000.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Flow } from '@stepflow/protocol';
import { createRuntime, type Runtime } from '@stepflow/runtime';
import type { BenchRow } from './bench-row.ts';

const SCHEMA = 'https://stepflow.org/schemas/v1/flow.json';
const STEPS = 1000;
const ROUNDS = 15;
const GOAL = 'goal ≥ 20,000 steps/s';

function chainFlow(): Flow {
  const steps = Array.from({ length: STEPS }, (_, i) => ({
    id: `s${i}`,
    component: '/builtin/create_messages',
    input: {
      user_prompt:
        i === 0
          ? { $from: { workflow: 'input' }, path: 'prompt' }
          : { $from: { step: `s${i - 1}` }, path: '$.messages[0].content' },
    },
  }));
  return {
    schema: SCHEMA,
    name: 'chain',
    steps,
    output: { $from: { step: `s${STEPS - 1}` } },
  } as unknown as Flow;
}

/** A fan-out of 1,000 independent builtin steps joined by one (also used by the tracing bench). */
export function fanOutFlow(): Flow {
  const steps: Record<string, unknown>[] = Array.from({ length: STEPS }, (_, i) => ({
    id: `s${i}`,
    component: '/builtin/create_messages',
    input: {
      system_instructions: `worker ${i}`,
      user_prompt: { $from: { workflow: 'input' }, path: 'prompt' },
    },
  }));
  steps.push({
    id: 'join',
    component: '/builtin/put_blob',
    input: {
      blob_type: 'data',
      data: Array.from({ length: STEPS }, (_, i) => ({
        $from: { step: `s${i}` },
        path: '$.messages[0].content',
      })),
    },
  });
  return {
    schema: SCHEMA,
    name: 'fan-out',
    steps,
    output: { $from: { step: 'join' } },
  } as unknown as Flow;
}

function smallFlow(): Flow {
  return {
    schema: SCHEMA,
    name: 'three steps',
    steps: [
      {
        id: 'a',
        component: '/builtin/create_messages',
        input: { user_prompt: { $from: { workflow: 'input' }, path: 'prompt' } },
      },
      {
        id: 'b',
        component: '/builtin/create_messages',
        input: { user_prompt: { $from: { step: 'a' }, path: '$.messages[0].content' } },
      },
      {
        id: 'c',
        component: '/builtin/create_messages',
        input: {
          system_instructions: 'x',
          user_prompt: { $from: { step: 'b' }, path: '$.messages[0].content' },
        },
      },
    ],
    output: { $from: { step: 'c' } },
  } as unknown as Flow;
}

/** Median and best steps per second over 15 timed runs, after 3 warm-up runs. */
export async function stepsPerSecond(
  runtime: Runtime,
  flow: Flow,
  steps: number,
): Promise<{ median: number; best: number }> {
  for (let i = 0; i < 3; i++) await runtime.run({ flow, input: { prompt: 'warm up' } });
  const rates: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    const { result } = await runtime.run({ flow, input: { prompt: `round ${i}` } });
    const elapsed = performance.now() - started;
    if (result.outcome !== 'success') throw new Error(`run failed: ${JSON.stringify(result)}`);
    rates.push((steps / elapsed) * 1000);
  }
  rates.sort((a, b) => a - b);
  return { median: rates[Math.floor(rates.length / 2)]!, best: rates.at(-1)! };
}

function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function heapAfter(
  runtime: Runtime,
  flow: Flow,
  runs: number,
  gc: () => void,
): Promise<number> {
  for (let i = 0; i < runs; i++) {
    const { result } = await runtime.run({ flow, input: { prompt: `run ${i}` } });
    if (result.outcome !== 'success') throw new Error('run failed');
  }
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed / (1024 * 1024);
}

export default async function runtimeBench(): Promise<BenchRow[]> {
  const runtime = createRuntime({
    config: { plugins: { builtin: { type: 'builtin' } } } as never,
    workingDirectory: process.cwd(),
  });
  const chain = await stepsPerSecond(runtime, chainFlow(), STEPS);
  const fanOut = await stepsPerSecond(runtime, fanOutFlow(), STEPS + 1);

  const gc = collectGarbage();
  const memoryRuntime = createRuntime({
    config: { plugins: { builtin: { type: 'builtin' } } } as never,
    workingDirectory: process.cwd(),
  });
  const flow = smallFlow();
  const after1k = await heapAfter(memoryRuntime, flow, 1_000, gc);
  const after10k = await heapAfter(memoryRuntime, flow, 9_000, gc);
  await runtime.close();
  await memoryRuntime.close();

  return [
    {
      name: 'chain of 1,000 create_messages steps',
      value: chain.median,
      unit: 'steps/s',
      note: `median of ${ROUNDS} runs (best ${Math.round(chain.best).toLocaleString('en-US')}); ${GOAL}`,
    },
    {
      name: 'fan-out of 1,000 builtin steps + 1 join',
      value: fanOut.median,
      unit: 'steps/s',
      note: `median of ${ROUNDS} runs (best ${Math.round(fanOut.best).toLocaleString('en-US')}); ${GOAL}`,
    },
    {
      name: 'heap after 1,000 runs of a 3-step flow',
      value: after1k,
      unit: 'MiB',
      note: 'after GC',
    },
    {
      name: 'heap after 10,000 runs of a 3-step flow',
      value: after10k,
      unit: 'MiB',
      note: `after GC; growth ${(after10k - after1k).toFixed(2)} MiB (must not grow)`,
    },
  ];
}
