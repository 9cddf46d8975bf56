import {
  context,
  metrics,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Attributes,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type DataPoint,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionContext } from '../index.ts';
import { testRuntime, yamlFlow } from '../../test/helpers.ts';

const RUN_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

const nested = yamlFlow(`
name: inner
steps:
  - id: leaf
    component: /test/leaf
    input: { $from: { workflow: input } }
output: { $from: { step: leaf } }
`);

const outer = yamlFlow(`
name: outer
steps:
  - id: a
    component: /test/calls-nested
    input: { n: 1 }
  - id: b
    component: /test/echo
    skipIf: true
    input: { n: 2 }
  - id: c
    component: /test/fails
    onError: { action: skip }
    input: { n: 3 }
output: { a: { $from: { step: a } } }
`);

/** The scripted components: one starts a nested run, one fails, the rest echo. */
function runtimeRecording(seen: ExecutionContext[]) {
  return testRuntime({
    handler: async ({ component, input, context: execution }) => {
      seen.push(execution);
      if (component === '/calls-nested') {
        const flowId = await execution.services.putBlob(nested, 'flow');
        const { result } = await execution.services.evaluateFlow(flowId, input);
        return result;
      }
      if (component === '/fails')
        return { outcome: 'failed', error: { code: 500, message: 'no luck' } };
      return { outcome: 'success', result: input };
    },
  });
}

class TestMetricReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

afterEach(() => {
  trace.disable();
  context.disable();
  metrics.disable();
});

describe('run telemetry', () => {
  it('gives a trace id without a tracer: the run id, shared by nested runs', async () => {
    const seen: ExecutionContext[] = [];
    const runtime = runtimeRecording(seen);
    await runtime.run({ flow: outer, input: null, runId: RUN_ID });
    await runtime.close();
    expect(seen.length).toBe(3);
    for (const execution of seen) {
      expect(execution.traceId).toBe(RUN_ID.replaceAll('-', ''));
      // No span records the call: a plugin that sends a span id makes its own.
      expect(execution.spanId).toBeUndefined();
    }
  });

  it('joins the trace of an active span context even when nothing records', async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.NONE,
    });
    const seen: ExecutionContext[] = [];
    const runtime = runtimeRecording(seen);
    await context.with(parent, () => runtime.run({ flow: outer, input: null, runId: RUN_ID }));
    await runtime.close();
    expect(seen.map((execution) => execution.traceId)).toEqual([
      '4bf92f3577b34da6a3ce929d0e0e4736',
      '4bf92f3577b34da6a3ce929d0e0e4736',
      '4bf92f3577b34da6a3ce929d0e0e4736',
    ]);
  });

  it('logs the start and end of a run with its run and trace ids', async () => {
    const lines: [string, unknown][] = [];
    const runtime = testRuntime({
      logger: {
        debug: (message, fields) => lines.push([message, fields]),
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      },
    });
    const flow = yamlFlow(`
steps:
  - id: only
    component: /test/echo
    input: {}
output: { $from: { step: only } }
`);
    const { flowId } = await runtime.run({ flow, input: null, runId: RUN_ID });
    await runtime.close();
    const traceId = RUN_ID.replaceAll('-', '');
    expect(lines).toEqual([
      ['run started', { run_id: RUN_ID, flow_id: flowId, trace_id: traceId }],
      ['run finished', { run_id: RUN_ID, trace_id: traceId, outcome: 'success' }],
    ]);
  });

  it('records run, step and call spans, nested runs under the call that started them', async () => {
    const exporter = new InMemorySpanExporter();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    const seen: ExecutionContext[] = [];
    const runtime = runtimeRecording(seen);
    await runtime.run({ flow: outer, input: null, runId: RUN_ID });
    await runtime.close();
    const spans = exporter.getFinishedSpans();
    const named = (name: string): ReadableSpan => {
      const span = spans.find((candidate) => candidate.name === name);
      if (span === undefined)
        throw new Error(`no span '${name}' in ${spans.map((s) => s.name).join(', ')}`);
      return span;
    };
    const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
    const run = named('run outer');
    expect(run.attributes).toMatchObject({
      'stepflow.run.id': RUN_ID,
      'stepflow.flow.name': 'outer',
      'stepflow.run.outcome': 'success',
    });
    expect(parentOf(run)).toBeUndefined();
    const stepA = named('step a');
    expect(parentOf(stepA)).toBe(run.spanContext().spanId);
    expect(stepA.attributes).toMatchObject({
      'stepflow.component': '/calls-nested',
      'stepflow.step.attempt': 1,
      'stepflow.step.outcome': 'success',
    });
    const callA = named('call /calls-nested');
    expect(parentOf(callA)).toBe(stepA.spanContext().spanId);
    expect(callA.attributes).toMatchObject({
      'stepflow.plugin': 'test',
      'stepflow.transport': 'in-process',
    });
    expect(seen[0]!.spanId).toBe(callA.spanContext().spanId);
    const inner = named('run inner');
    expect(parentOf(inner)).toBe(callA.spanContext().spanId);
    expect(inner.attributes).toMatchObject({ 'stepflow.parent.step_id': 'a' });
    expect(parentOf(named('step leaf'))).toBe(inner.spanContext().spanId);
    expect(named('step b').events.map((event) => event.name)).toEqual(['step.skipped']);
    const stepC = named('step c');
    expect(stepC.events.map((event) => event.name)).toEqual(['step.on_error']);
    expect(named('call /fails').status).toMatchObject({ code: 2, message: 'no luck' });
    expect(new Set(spans.map((span) => span.spanContext().traceId))).toEqual(
      new Set([run.spanContext().traceId]),
    );
  });

  it('puts nested runs of builtins under their call, not under a span the run runs in', async () => {
    const exporter = new InMemorySpanExporter();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    trace.setGlobalTracerProvider(provider);
    const active = new Map<string, string | undefined>();
    const runtime = testRuntime({
      handler: async ({ component, input, context: execution }) => {
        active.set(component, trace.getActiveSpan()?.spanContext().spanId);
        if (component === '/store')
          return { outcome: 'success', result: await execution.services.putBlob(nested, 'flow') };
        return { outcome: 'success', result: input };
      },
    });
    const flow = yamlFlow(`
name: evaluates
steps:
  - id: store
    component: /test/store
    input: {}
  - id: nest
    component: /builtin/eval
    input: { flow_id: { $from: { step: store } }, input: 7 }
output: { $from: { step: nest } }
`);
    const caller = provider.getTracer('test').startSpan('caller');
    const { result } = await context.with(trace.setSpan(ROOT_CONTEXT, caller), () =>
      runtime.run({ flow, input: null }),
    );
    caller.end();
    await runtime.close();
    expect(result).toMatchObject({ outcome: 'success', result: { result: { result: 7 } } });
    const spans = exporter.getFinishedSpans();
    const named = (name: string): ReadableSpan => spans.find((span) => span.name === name)!;
    const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
    expect(parentOf(named('run evaluates'))).toBe(caller.spanContext().spanId);
    const evalCall = named('call /eval');
    expect(parentOf(named('run inner'))).toBe(evalCall.spanContext().spanId);
    // Plugins other than builtins run with their call span active.
    expect(active.get('/store')).toBe(named('call /store').spanContext().spanId);
    expect(active.get('/leaf')).toBe(named('call /leaf').spanContext().spanId);
  });

  it('records no span or metric with telemetry: false, and still gives trace ids', async () => {
    const exporter = new InMemorySpanExporter();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    const reader = new TestMetricReader();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    const seen: ExecutionContext[] = [];
    const runtime = testRuntime({
      telemetry: false,
      handler: async ({ component, input, context: execution }) => {
        seen.push(execution);
        if (component === '/calls-nested') {
          const flowId = await execution.services.putBlob(nested, 'flow');
          return (await execution.services.evaluateFlow(flowId, input)).result;
        }
        return { outcome: 'success', result: input };
      },
    });
    await runtime.run({ flow: outer, input: null, runId: RUN_ID });
    await runtime.close();
    expect(exporter.getFinishedSpans()).toEqual([]);
    const { resourceMetrics } = await reader.collect();
    expect(resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics)).toEqual([]);
    // The nested run's step too: one trace id, the run id's.
    expect(seen.map((execution) => execution.traceId)).toEqual(
      seen.map(() => RUN_ID.replaceAll('-', '')),
    );
    expect(seen.length).toBe(3);
  });

  it('counts runs and records step durations by component', async () => {
    const reader = new TestMetricReader();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    const runtime = runtimeRecording([]);
    await runtime.run({ flow: outer, input: null });
    await runtime.close();
    const { resourceMetrics } = await reader.collect();
    const points = new Map<string, DataPoint<unknown>[]>();
    for (const scope of resourceMetrics.scopeMetrics)
      for (const metric of scope.metrics) points.set(metric.descriptor.name, metric.dataPoints);
    const values = (name: string): [Attributes, unknown][] =>
      (points.get(name) ?? []).map((point) => [point.attributes, point.value]);
    expect(values('stepflow.runs.started')).toEqual([
      [{ 'stepflow.run.nested': false }, 1],
      [{ 'stepflow.run.nested': true }, 1],
    ]);
    expect(values('stepflow.runs.completed')).toEqual([[{ 'stepflow.run.outcome': 'success' }, 2]]);
    const durations = values('stepflow.step.duration').map(([attributes]) => attributes);
    expect(durations).toContainEqual({
      'stepflow.component': '/calls-nested',
      'stepflow.step.outcome': 'success',
    });
    expect(values('stepflow.steps.in_flight').every(([, value]) => value === 0)).toBe(true);
  });
});
