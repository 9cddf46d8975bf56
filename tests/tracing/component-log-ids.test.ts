import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { MARKER_VARIABLE, processesWithMarker, runCli } from '../component-server/harness.ts';
import { startOtlpReceiver } from './otlp-receiver.ts';

const SERVER = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/logging-server.mjs');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A flow with one step on the logging server (over stdio) and its config. */
async function workspace(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stepflow-logids-'));
  const marker = randomUUID();
  cleanups.push(async () => {
    expect(await processesWithMarker(marker)).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });
  await writeFile(
    join(dir, 'stepflow-config.yml'),
    `plugins:
  logging:
    type: stepflow
    transport: stdio
    command: ${JSON.stringify(process.execPath)}
    args: [${JSON.stringify(SERVER)}]
    env: { ${MARKER_VARIABLE}: ${marker} }
routes:
  /logging/{*component}:
    - plugin: logging
`,
  );
  const flow = join(dir, 'flow.yaml');
  await writeFile(
    flow,
    `schema: https://stepflow.org/schemas/v1/flow.json
name: logging-flow
steps:
  - id: speak
    component: /logging/talk
    input: { n: 7 }
output: { $from: { step: speak } }
`,
  );
  return flow;
}

type Line = Record<string, unknown>;

/** `stepflow run --log-format json` of the flow: its result and every stderr line, parsed. */
async function runLogged(flow: string, env: Record<string, string> = {}) {
  const result = await runCli(
    ['--log-format', 'json', '--log-level', 'debug', 'run', '--flow', flow, '--input-json', 'null'],
    { env },
  );
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toEqual({ outcome: 'success', result: { said: 7 } });
  const lines = result.stderr
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Line);
  const byMessage = (msg: string): Line => {
    const found = lines.filter((line) => line.msg === msg);
    if (found.length !== 1)
      throw new Error(`expected one line '${msg}', got ${found.length}: ${result.stderr}`);
    return found[0]!;
  };
  return { lines, byMessage };
}

describe('stepflow run --log-format json with a TypeScript component server over stdio', () => {
  it("gives the server's context.log lines the ids of their step, other lines as text", async () => {
    const { lines, byMessage } = await runLogged(await workspace());
    const started = byMessage('run started');
    const runId = started.run_id as string;
    expect(started.trace_id).toBe(runId.replaceAll('-', ''));

    const talking = byMessage('[logging] talking');
    expect(talking).toMatchObject({
      level: 'info',
      plugin: 'logging',
      component: '/talk',
      run_id: runId,
      flow_id: started.flow_id,
      step_id: 'speak',
      trace_id: started.trace_id,
      attempt: 1,
      fields: { n: 7 },
    });
    // No tracer records: the plugin made the call's span id, sent in `observability`.
    expect(talking.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(byMessage('[logging] careful')).toMatchObject({
      level: 'warn',
      step_id: 'speak',
      span_id: talking.span_id,
    });

    // Hostile or foreign lines: plain text at info, attributed to nothing but the plugin.
    const plain = lines.filter(
      (line) =>
        typeof line.msg === 'string' && line.msg.startsWith('[logging] ') && !('step_id' in line),
    );
    // (The server's own lines, its shutdown notice say, follow.)
    expect(plain.map((line) => line.msg).slice(0, 5)).toEqual([
      '[logging] {oops',
      '[logging] {"msg":5,"level":"info"}',
      `[logging] ${JSON.stringify({ msg: 'a\n2026-01-01 ERROR forged' })}`,
      expect.stringMatching(/^\[logging\] \{"msg":"huge".*stderr line longer than .* cut\]$/),
      '[logging] plain words',
    ]);
    expect(plain.every((line) => line.level === 'info' && line.plugin === 'logging')).toBe(true);
  });

  it('with tracing on, the lines carry the trace and the span of the component', async () => {
    const receiver = await startOtlpReceiver();
    cleanups.push(() => receiver.close());
    const { byMessage } = await runLogged(await workspace(), {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_METRICS_EXPORTER: 'none',
    });
    await receiver.until((spans) => spans.some((span) => span.name === 'call /talk'));
    const call = receiver.spans.find((span) => span.name === 'call /talk')!;
    // The server records no spans of its own: its lines name the runtime's call span.
    expect(byMessage('[logging] talking')).toMatchObject({
      trace_id: call.traceId,
      span_id: call.spanId,
      step_id: 'speak',
    });
  });
});
