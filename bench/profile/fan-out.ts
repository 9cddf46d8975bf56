// Profiling driver (not a bench file): repeated 1,000-step echo fan-outs through the runtime, the
// stepflow plugin and a server-sdk server, in one process; prints CPU per step and steps/s.
// Usage: node --import tsx [--cpu-prof] profile/fan-out.ts websocket|http|memory [runs]
// VERBOSE=1 prints every run (the first ones show the JIT warming up). `--import <hook>` that
// defines `globalThis.__afterRuns` gets called after the last run (e.g. to stop a heap profile).
import { createEchoFanOut, type EchoFanOutMode } from '../src/echo-fan-out.ts';

// `memory`: a linked in-memory transport pair (JSON round trip, no sockets): the runtime, plugin,
// peer and server-sdk cost alone.
const mode = (process.argv[2] ?? 'websocket') as EchoFanOutMode;
const runs = Number(process.argv[3] ?? 10);
const STEPS = 1000;
const fanOut = await createEchoFanOut(mode, STEPS);
const { runtime, flow } = fanOut;
const cpus: number[] = [];
const rates: number[] = [];
for (let round = 0; round <= runs; round++) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const { result } = await runtime.run({ flow, input: {} });
  if (result.outcome !== 'success') throw new Error(JSON.stringify(result).slice(0, 300));
  const used = process.cpuUsage(cpu);
  fanOut.forgetSent();
  const cpuMicros = (used.user + used.system) / STEPS;
  const perSecond = STEPS / ((performance.now() - started) / 1000);
  if (process.env.VERBOSE)
    console.log(`run ${round}: ${cpuMicros.toFixed(1)} µs, ${perSecond.toFixed(0)}/s`);
  if (round > 0) {
    cpus.push(cpuMicros);
    rates.push(perSecond);
  }
}
await (globalThis as { __afterRuns?: () => Promise<void> }).__afterRuns?.();
await fanOut.close();
const med = (v: number[]): number =>
  v.length === 0 ? Number.NaN : [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
console.log(
  `${mode}: ${med(cpus).toFixed(1)} µs CPU per step (min ${Math.min(...cpus).toFixed(1)}), ${med(rates).toFixed(0)} steps/s, median of ${runs} runs after one`,
);
