// `stepflow mcp` exports the spans of the runs its tools start over OTLP/HTTP when the OTEL_*
// variables ask for it, and flushes them when the client closes stdin.
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, expect, it } from 'vitest';
import { createMcpWorkspace, newClient } from '../mcp-server/mcp-harness.ts';
import { CLI, eventually, processesOf } from '../service/service-harness.ts';
import { startOtlpReceiver } from './otlp-receiver.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('exports the spans of runs started through MCP tools and flushes them at the end', async () => {
  const receiver = await startOtlpReceiver();
  cleanups.push(() => receiver.close());
  const workspace = await createMcpWorkspace();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', '--flows', 'flows'],
    cwd: workspace.dir,
    env: {
      ...(process.env as Record<string, string>),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    },
    stderr: 'pipe',
  });
  const client = newClient();
  await client.connect(transport);
  const result = await client.callTool({ name: 'greet', arguments: { name: 'Ada' } });
  expect(result.isError).not.toBe(true);
  const runId = (result._meta as Record<string, unknown>)['stepflow.org/runId'];
  await client.close();
  // The process flushes its exporters before it exits once stdin is closed.
  await eventually(async () =>
    (await processesOf(workspace.dir)).length === 0 ? true : undefined,
  );
  await eventually(async () =>
    receiver.spans.some((span) => span.name === 'run greet') ? true : undefined,
  );
  const run = receiver.spans.find((span) => span.name === 'run greet')!;
  expect(run.attributes['stepflow.run.id']).toBe(runId);
  expect(run.service).toBe('stepflow');
  const step = receiver.spans.find((span) => span.name === 'step hello');
  expect(step?.parentSpanId).toBe(run.spanId);
}, 60_000);
