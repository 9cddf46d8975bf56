// Cost of tracing on the in-memory fan-out: the runtime with no tracer provider (the default; it
// must stay as fast as without tracing support) against a real SDK provider whose processor drops
// every span (the cost of building spans, without any export). Both in the same process.
import { context, propagation, trace, type Context } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createRuntime } from '@stepflow/runtime';
import type { BenchRow } from './bench-row.ts';
import { fanOutFlow, stepsPerSecond } from './runtime.bench.ts';

const STEPS = 1001;
const PAIRS = 3;

/** Records nothing: spans are built and ended, then dropped. */
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

/** Back to no provider at all: `register()` also installed a context manager and propagator. */
function unregister(): void {
  trace.disable();
  context.disable();
  propagation.disable();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export default async function tracingBench(): Promise<BenchRow[]> {
  const runtime = createRuntime({
    config: { plugins: { builtin: { type: 'builtin' } } } as never,
    workingDirectory: process.cwd(),
  });
  const flow = fanOutFlow();
  const provider = new NodeTracerProvider({ spanProcessors: [new DroppingProcessor()] });
  const off: number[] = [];
  const on: number[] = [];
  // Alternated, so drift in the machine's load hits both sides alike.
  for (let pair = 0; pair < PAIRS; pair++) {
    unregister();
    off.push((await stepsPerSecond(runtime, flow, STEPS)).median);
    provider.register();
    on.push((await stepsPerSecond(runtime, flow, STEPS)).median);
  }
  unregister();
  await provider.shutdown();
  await runtime.close();
  const offRate = median(off);
  const onRate = median(on);
  return [
    {
      name: 'fan-out of 1,000 builtin steps + 1 join, tracing off',
      value: offRate,
      unit: 'steps/s',
      note: `median of ${PAIRS} medians of 15 runs; no tracer provider (the default)`,
    },
    {
      name: 'fan-out of 1,000 builtin steps + 1 join, tracing on',
      value: onRate,
      unit: 'steps/s',
      note: 'SDK provider registered as the CLI does (async context), spans dropped (no export)',
    },
    {
      name: 'fan-out tracing on / off',
      value: onRate / offRate,
      unit: 'x',
      note: 'throughput ratio in the same run',
    },
  ];
}
