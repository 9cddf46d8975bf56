// Cost of tracing on the in-memory fan-out, three ways in the same process: a runtime created with
// `telemetry: false` (no OpenTelemetry call at all: the baseline), the default runtime with no
// tracer provider (tracing off; goal: within 5% of the baseline), and the default runtime under a
// real SDK provider whose processor drops every span (the cost of building spans, without export).
import { context, propagation, trace, type Context } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createRuntime, type Runtime } from '@stepflow/runtime';
import type { BenchRow } from './bench-row.ts';
import { fanOutFlow } from './runtime.bench.ts';

const STEPS = 1001;
/** Measured rounds (one run of each variant per round), after the warm-up rounds. */
const ROUNDS = 48;
const WARM_UP_ROUNDS = 6;
/**
 * The orders of the variants in a round, alternating: across two rounds each variant comes right
 * after each other one exactly once (round boundaries included), so none keeps running after the
 * same one, whose garbage it would collect.
 */
const ORDERS = [
  [0, 1, 2],
  [0, 2, 1],
] as const;

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

/** One variant of the fan-out: its runtime, whether a tracer provider is registered, its runs. */
interface Variant {
  readonly runtime: Runtime;
  readonly traced: boolean;
  /** CPU microseconds per step of each measured run. */
  readonly cpu: number[];
  /** Steps per second (wall clock) of each measured run. */
  readonly rate: number[];
}

export default async function tracingBench(): Promise<BenchRow[]> {
  const runtimeWith = (telemetry: boolean) =>
    createRuntime({
      config: { plugins: { builtin: { type: 'builtin' } } } as never,
      workingDirectory: process.cwd(),
      telemetry,
    });
  const runtime = runtimeWith(true);
  const variants = {
    // The baseline: the OpenTelemetry API is never called (no spans, no context, no meters).
    disabled: { runtime: runtimeWith(false), traced: false, cpu: [], rate: [] },
    off: { runtime, traced: false, cpu: [], rate: [] },
    on: { runtime, traced: true, cpu: [], rate: [] },
  } satisfies Record<string, Variant>;
  const flow = fanOutFlow();
  const provider = new NodeTracerProvider({ spanProcessors: [new DroppingProcessor()] });
  const all: Variant[] = [variants.disabled, variants.off, variants.on];
  // Single runs interleaved, the rounds in alternating orders: drift in the machine's load, and
  // the garbage one run leaves to the next, hit every variant alike. CPU time per step
  // is the measure the ratios use (another process on the machine slows wall time far more), and
  // each ratio is the median of the ratios within a round (paired, so slow drift cancels).
  for (let round = -WARM_UP_ROUNDS; round < ROUNDS; round++) {
    for (const variant of ORDERS[(round + WARM_UP_ROUNDS) % ORDERS.length]!.map((i) => all[i]!)) {
      if (variant.traced) provider.register();
      else unregister();
      const cpu = process.cpuUsage();
      const started = performance.now();
      const { result } = await variant.runtime.run({ flow, input: { prompt: `round ${round}` } });
      const elapsed = performance.now() - started;
      const used = process.cpuUsage(cpu);
      if (result.outcome !== 'success') throw new Error(`run failed: ${JSON.stringify(result)}`);
      if (round < 0) continue;
      variant.cpu.push((used.user + used.system) / STEPS);
      variant.rate.push((STEPS / elapsed) * 1000);
    }
  }
  unregister();
  await provider.shutdown();
  await runtime.close();
  await variants.disabled.runtime.close();
  const cpu = (variant: Variant): number => median(variant.cpu);
  /** Throughput of `faster`'s side relative to `slower`'s: CPU per step, paired by round. */
  const ratio = (faster: Variant, slower: Variant): number =>
    median(faster.cpu.map((micros, round) => micros / slower.cpu[round]!));
  const rows = (variant: Variant, name: string, note: string): BenchRow[] => [
    {
      name: `fan-out of 1,000 builtin steps + 1 join, ${name}`,
      value: median(variant.rate),
      unit: 'steps/s',
      note: `median of ${ROUNDS} runs; ${note}`,
    },
    {
      name: `fan-out, ${name}: CPU per step`,
      value: cpu(variant),
      unit: 'µs',
      note: `median of ${ROUNDS} runs`,
    },
  ];
  return [
    ...rows(
      variants.disabled,
      'telemetry disabled',
      'createRuntime({ telemetry: false }): no OpenTelemetry call at all',
    ),
    ...rows(variants.off, 'tracing off', 'the default: OpenTelemetry API, no tracer provider'),
    ...rows(
      variants.on,
      'tracing on',
      'SDK provider registered as the CLI does (async context), spans dropped (no export)',
    ),
    {
      name: 'fan-out tracing off / telemetry disabled',
      value: ratio(variants.disabled, variants.off),
      unit: 'x',
      note: 'goal ≥ 0.95: throughput (by CPU time) the default keeps of a runtime that never traces',
    },
    {
      name: 'fan-out tracing on / off',
      value: ratio(variants.off, variants.on),
      unit: 'x',
      note: 'throughput (by CPU time) in the same run',
    },
  ];
}
