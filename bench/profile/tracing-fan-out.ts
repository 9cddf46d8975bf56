// Profiling driver (not a bench file): repeated 1,000-step builtin fan-outs with tracing on (an
// SDK provider registered as the CLI does, its processor dropping every span), off or disabled; prints CPU
// per step and steps/s. Usage: node --import tsx [--cpu-prof] profile/tracing-fan-out.ts on|off|disabled [runs]
// (`disabled`: a runtime created with `telemetry: false`)
import type { Context } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createRuntime } from '@stepflow/runtime';
import { fanOutFlow } from '../src/runtime.bench.ts';

const mode = process.argv[2] ?? 'on';
const runs = Number(process.argv[3] ?? 30);
const STEPS = 1001;

class DroppingProcessor implements SpanProcessor {
  onStart(_span: Span, _parent: Context): void {}
  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

if (mode === 'on') new NodeTracerProvider({ spanProcessors: [new DroppingProcessor()] }).register();
const runtime = createRuntime({
  config: { plugins: { builtin: { type: 'builtin' } } } as never,
  workingDirectory: process.cwd(),
  telemetry: mode !== 'disabled',
});
const flow = fanOutFlow();
const cpus: number[] = [];
const rates: number[] = [];
for (let round = 0; round <= runs; round++) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const { result } = await runtime.run({ flow, input: { prompt: `round ${round}` } });
  if (result.outcome !== 'success') throw new Error(JSON.stringify(result).slice(0, 300));
  const used = process.cpuUsage(cpu);
  if (round > 0) {
    cpus.push((used.user + used.system) / STEPS);
    rates.push(STEPS / ((performance.now() - started) / 1000));
  }
}
await runtime.close();
const med = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
console.log(
  `tracing ${mode}: ${med(cpus).toFixed(2)} µs CPU per step, ${med(rates).toFixed(0)} steps/s, median of ${runs} runs after one`,
);
