import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { MARKER_VARIABLE, processesWithMarker, runCli } from '../component-server/harness.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver.ts';

const SERVER = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/traced-server.mjs');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A flow with one step on the traced server and a config passing the OTEL_* variables on. */
async function workspace(
  receiver: OtlpReceiver,
  component = '/traced/store_and_nest',
): Promise<{ dir: string; marker: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'stepflow-otlp-'));
  const marker = randomUUID();
  cleanups.push(async () => {
    expect(await processesWithMarker(marker)).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });
  await writeFile(
    join(dir, 'stepflow-config.yml'),
    `plugins:
  builtin: { type: builtin }
  traced:
    type: stepflow
    transport: stdio
    command: ${JSON.stringify(process.execPath)}
    args: [${JSON.stringify(SERVER)}]
    env:
      ${MARKER_VARIABLE}: ${marker}
      OTEL_EXPORTER_OTLP_ENDPOINT: ${receiver.endpoint}
      OTEL_EXPORTER_OTLP_PROTOCOL: http/json
      OTEL_METRICS_EXPORTER: none
routes:
  /traced/{*component}:
    - plugin: traced
  /builtin/{*component}:
    - plugin: builtin
`,
  );
  await writeFile(
    join(dir, 'flow.yaml'),
    `schema: https://stepflow.org/schemas/v1/flow.json
name: traced-flow
steps:
  - id: work
    component: ${component}
    input: { n: 21, api_key: do-not-export }
output: { $from: { step: work } }
`,
  );
  return { dir, marker };
}

function only(spans: readonly ReceivedSpan[], name: string, service?: string): ReceivedSpan {
  const found = spans.filter(
    (span) => span.name === name && (service === undefined || span.service === service),
  );
  if (found.length !== 1)
    throw new Error(
      `expected one span '${name}', got ${found.length}: ${spans.map((s) => s.name).join(', ')}`,
    );
  return found[0]!;
}

describe('stepflow run exports traces over OTLP/HTTP', () => {
  it('one trace across the CLI and a traced component server, nested run under its step', async () => {
    const receiver = await startOtlpReceiver();
    cleanups.push(() => receiver.close());
    const { dir } = await workspace(receiver);
    const result = await runCli(['run', '--flow', join(dir, 'flow.yaml'), '--input-json', 'null'], {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'stepflow-under-test',
      },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      outcome: 'success',
      result: { nested: { echoed: 42 } },
    });
    // The server flushes as it exits, which the CLI waits for: both have reported by now, but the
    // receiver may still be parsing the last request.
    await receiver.until((spans) => spans.some((span) => span.name === 'component /echo'));
    const spans = receiver.spans;

    const run = only(spans, 'run traced-flow');
    expect(run.service).toBe('stepflow-under-test');
    expect(run.parentSpanId).toBeUndefined();
    expect(run.attributes).toMatchObject({
      'stepflow.flow.name': 'traced-flow',
      'stepflow.run.outcome': 'success',
      'stepflow.run.depth': 0,
    });
    expect(run.attributes['stepflow.run.id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.attributes['stepflow.flow.id']).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([run.traceId]));

    const step = only(spans, 'step work');
    expect(step.parentSpanId).toBe(run.spanId);
    expect(step.attributes).toMatchObject({
      'stepflow.step.id': 'work',
      'stepflow.component': '/store_and_nest',
      'stepflow.step.attempt': 1,
      'stepflow.step.outcome': 'success',
    });
    const call = only(spans, 'call /store_and_nest');
    expect(call.parentSpanId).toBe(step.spanId);
    expect(call.attributes).toMatchObject({
      'stepflow.plugin': 'traced',
      'stepflow.plugin.type': 'stepflow',
      'stepflow.transport': 'stdio',
    });
    // Across the process boundary: the server's span is a child of the runtime's call.
    const component = only(spans, 'component /store_and_nest');
    expect(component.service).toBe('traced-server');
    expect(component.parentSpanId).toBe(call.spanId);
    // The callbacks the runtime served are children of the server's span.
    // Two puts: the component's blob, and the nested flow `evaluateFlow` stores first.
    const puts = spans.filter((span) => span.name === 'callback blobs/put');
    expect(puts.map((span) => [span.service, span.parentSpanId])).toEqual([
      ['stepflow-under-test', component.spanId],
      ['stepflow-under-test', component.spanId],
    ]);
    expect(puts[0]!.attributes).toMatchObject({
      'rpc.method': 'blobs/put',
      'stepflow.step.id': 'work',
    });
    const evaluate = only(spans, 'callback flows/evaluate');
    expect(evaluate.parentSpanId).toBe(component.spanId);
    // The nested run sits under the callback, so under the step that asked for it.
    const nested = only(spans, 'run double');
    expect(nested.parentSpanId).toBe(evaluate.spanId);
    expect(nested.attributes).toMatchObject({
      'stepflow.parent.step_id': 'work',
      'stepflow.run.depth': 1,
      'stepflow.run.outcome': 'success',
    });
    const innerStep = only(spans, 'step inner');
    expect(innerStep.parentSpanId).toBe(nested.spanId);
    const innerCall = only(spans, 'call /echo');
    expect(innerCall.parentSpanId).toBe(innerStep.spanId);
    expect(only(spans, 'component /echo').parentSpanId).toBe(innerCall.spanId);
    // Step inputs never reach span attributes.
    expect(JSON.stringify(spans)).not.toContain('do-not-export');
  });

  it('exports nothing and starts no exporter when no OTEL_* variable asks for it', async () => {
    const receiver = await startOtlpReceiver();
    cleanups.push(() => receiver.close());
    const { dir } = await workspace(receiver);
    const result = await runCli(['run', '--flow', join(dir, 'flow.yaml'), '--input-json', 'null']);
    expect(result.code).toBe(0);
    // Only the server (its own config turns export on) reports; the CLI sent nothing.
    await receiver.until((spans) => spans.some((span) => span.name === 'component /echo'));
    expect(receiver.spans.every((span) => span.service === 'traced-server')).toBe(true);
  });

  it('flushes the spans of a failed run, and metrics, to --otlp-endpoint', async () => {
    const receiver = await startOtlpReceiver();
    cleanups.push(() => receiver.close());
    const dir = await mkdtemp(join(tmpdir(), 'stepflow-otlp-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(
      join(dir, 'flow.yaml'),
      `schema: https://stepflow.org/schemas/v1/flow.json
name: failing
steps:
  - id: bad
    component: /builtin/put_blob
    input: { data: 1 }
output: { $from: { step: bad } }
`,
    );
    const result = await runCli(
      [
        '--otlp-endpoint',
        receiver.endpoint,
        'run',
        '--flow',
        join(dir, 'flow.yaml'),
        '--input-json',
        'null',
      ],
      { env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' } },
    );
    expect(result.code).toBe(1);
    // The command returned only after its exporters were shut down: everything has arrived.
    const run = only(receiver.spans, 'run failing');
    expect(run.attributes['stepflow.run.outcome']).toBe('failed');
    expect(run.status.code).toBe(2);
    const step = only(receiver.spans, 'step bad');
    expect(step.status.code).toBe(2);
    expect(step.parentSpanId).toBe(run.spanId);
    expect(receiver.paths).toContain('/v1/metrics');
  });

  it('flushes the spans of a run cancelled by SIGINT before the process ends', async () => {
    const receiver = await startOtlpReceiver();
    cleanups.push(() => receiver.close());
    const { dir } = await workspace(receiver, '/traced/block');
    let interrupted = false;
    const result = await runCli(
      ['--log-level', 'info', 'run', '--flow', join(dir, 'flow.yaml'), '--input-json', 'null'],
      {
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_METRICS_EXPORTER: 'none',
        },
        onStderr: (text, child) => {
          if (!interrupted && text.includes('block started')) {
            interrupted = true;
            child.kill('SIGINT');
          }
        },
      },
    );
    expect(interrupted).toBe(true);
    expect(result.signal ?? result.code).toBe('SIGINT');
    const run = only(receiver.spans, 'run traced-flow');
    expect(run.attributes['stepflow.run.outcome']).toBe('failed');
    expect(only(receiver.spans, 'step work').parentSpanId).toBe(run.spanId);
  });

  it('stepflow test exports the runs of its cases too', async () => {
    const receiver = await startOtlpReceiver();
    cleanups.push(() => receiver.close());
    const result = await runCli(['test', 'examples/greeter/flow.yaml'], {
      env: {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_METRICS_EXPORTER: 'none',
      },
    });
    expect(result.code).toBe(0);
    const run = only(receiver.spans, 'run greeter');
    expect(run.attributes['stepflow.run.outcome']).toBe('success');
    expect(receiver.paths).not.toContain('/v1/metrics');
  });
});
