import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createComponentServer } from './index.ts';
import { createTestRuntime, type TestRuntime } from './testing.ts';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALL_SPAN_ID = 'b7ad6b7169203331';

const runtimes: TestRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((runtime) => runtime.close({ graceMs: 0 })));
  trace.disable();
  context.disable();
});

async function probeRuntime(fail = false): Promise<TestRuntime> {
  const server = createComponentServer({ name: 'traced', version: '1', writeLog: () => {} });
  server.component('probe', {}, async (_input, ctx) => {
    const active = trace.getActiveSpan()?.spanContext().spanId ?? null;
    await ctx.putBlob({ n: 1 });
    if (fail) throw new Error('probe failed');
    return { active };
  });
  const runtime = await createTestRuntime(server);
  runtimes.push(runtime);
  return runtime;
}

describe('component tracing', () => {
  it('passes the runtime ids back unchanged when no tracer is installed', async () => {
    const runtime = await probeRuntime();
    await runtime.execute('/probe', null, { traceId: TRACE_ID, spanId: CALL_SPAN_ID });
    expect(runtime.calls[0]!.params.observability).toMatchObject({
      trace_id: TRACE_ID,
      span_id: CALL_SPAN_ID,
    });
  });

  it('runs the component in a child span of the runtime call and sends that span back', async () => {
    const exporter = new InMemorySpanExporter();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    const runtime = await probeRuntime();
    const output = await runtime.execute<{ active: string }>('/probe', null, {
      traceId: TRACE_ID,
      spanId: CALL_SPAN_ID,
      runId: 'r1',
      stepId: 's1',
    });
    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe('component /probe');
    expect(span!.spanContext().traceId).toBe(TRACE_ID);
    expect(span!.parentSpanContext?.spanId).toBe(CALL_SPAN_ID);
    expect(span!.attributes).toMatchObject({
      'stepflow.component': '/probe',
      'stepflow.run.id': 'r1',
      'stepflow.step.id': 's1',
    });
    expect(output.active).toBe(span!.spanContext().spanId);
    expect(runtime.calls[0]!.params.observability).toEqual({
      run_id: 'r1',
      flow_id: null,
      step_id: 's1',
      trace_id: TRACE_ID,
      span_id: span!.spanContext().spanId,
    });
  });

  it('marks the span failed when the component throws', async () => {
    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    const runtime = await probeRuntime(true);
    await expect(
      runtime.execute('/probe', null, { traceId: TRACE_ID, spanId: CALL_SPAN_ID }),
    ).rejects.toThrow();
    const [span] = exporter.getFinishedSpans();
    expect(span!.status).toMatchObject({ code: 2, message: 'probe failed' });
  });
});
