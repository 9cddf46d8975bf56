// `stepflow serve` exports the spans and metrics of its runs over OTLP/HTTP when the OTEL_*
// variables ask for it, and flushes them on SIGTERM before it exits 0.
import { afterEach, expect, it } from 'vitest';
import {
  createWorkspace,
  GREET_FLOW,
  processesOf,
  startService,
} from '../service/service-harness.ts';
import { startOtlpReceiver } from './otlp-receiver.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('exports the spans and metrics of served runs and flushes them on SIGTERM', async () => {
  const receiver = await startOtlpReceiver();
  cleanups.push(() => receiver.close());
  const workspace = await createWorkspace();
  const service = await startService(workspace.dir, ['--store', 'memory'], {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  });
  const flowId = (await service.api('flows', { body: { flow: GREET_FLOW } })).body.flowId;
  const runs = await Promise.all(
    ['a', 'b'].map((name) => service.api('runs', { body: { flowId, input: { name } } })),
  );
  expect(runs.map((run) => run.body.status)).toEqual(['completed', 'completed']);
  expect(await service.stop('SIGTERM')).toBe(0);
  // Exit came after the exporters were shut down: everything has arrived.
  const runSpans = receiver.spans.filter((span) => span.name === 'run greet');
  expect(runSpans.map((span) => span.attributes['stepflow.run.id']).sort()).toEqual(
    runs.map((run) => run.body.runId).sort(),
  );
  expect(runSpans.every((span) => span.service === 'stepflow')).toBe(true);
  const steps = receiver.spans.filter((span) => span.name === 'step hello');
  expect(steps.map((step) => step.parentSpanId).sort()).toEqual(
    runSpans.map((span) => span.spanId).sort(),
  );
  expect(receiver.paths).toContain('/v1/metrics');
  expect(await processesOf(workspace.dir)).toEqual([]);
}, 60_000);
