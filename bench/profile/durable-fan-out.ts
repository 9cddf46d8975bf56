// Profiling driver (not a bench file): repeated 1,000-step builtin fan-outs journaled to a state
// store, in one process; prints CPU per step and steps/s.
// Usage: node --import tsx [--cpu-prof] profile/durable-fan-out.ts memory|sqlite|<store url> [runs]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeRuntime, openStateStore } from '@stepflow/node-runtime';
import type { Flow } from '@stepflow/protocol';
import { defaultConfig } from '@stepflow/runtime';

const kind = process.argv[2] ?? 'sqlite';
const runs = Number(process.argv[3] ?? 20);
const STEPS = 1000;
const directory = mkdtempSync(join(tmpdir(), 'stepflow-profile-'));
const url = kind === 'sqlite' ? `sqlite://${join(directory, 'state.db')}` : kind;
const flow = {
  schema: 'https://stepflow.org/schemas/v1/flow.json',
  steps: Array.from({ length: STEPS }, (_, i) => ({
    id: `s${i}`,
    component: '/builtin/create_messages',
    input: { system_instructions: 'be brief', user_prompt: `prompt ${i}` },
  })),
  output: { last: { $from: { step: `s${STEPS - 1}` } } },
} as unknown as Flow;

const stateStore = kind === 'memory' ? undefined : await openStateStore(url);
const runtime = createNodeRuntime({
  config: defaultConfig(),
  workingDirectory: directory,
  ...(stateStore === undefined ? {} : { stateStore }),
});
const cpus: number[] = [];
const rates: number[] = [];
for (let round = 0; round <= runs; round++) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const { result } = await runtime.run({ flow, input: {} });
  if (result.outcome !== 'success') throw new Error(JSON.stringify(result).slice(0, 300));
  const used = process.cpuUsage(cpu);
  if (round > 0) {
    cpus.push((used.user + used.system) / STEPS);
    rates.push(STEPS / ((performance.now() - started) / 1000));
  }
}
await runtime.close();
await stateStore?.close();
rmSync(directory, { recursive: true, force: true });
const med = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
console.log(
  `${kind}: ${med(cpus).toFixed(1)} µs CPU per step, ${med(rates).toFixed(0)} steps/s, median of ${runs} runs after one`,
);
