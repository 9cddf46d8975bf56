// `stepflow mcp --store sqlite:…`: a run started through MCP survives a killed server and is
// finished by the next one.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, expect, it } from 'vitest';
import { CLI, eventually, processesOf } from '../service/service-harness.ts';
import { callStructured, createMcpWorkspace } from './mcp-harness.ts';

let workspace: Awaited<ReturnType<typeof createMcpWorkspace>>;

afterAll(async () => {
  await eventually(async () =>
    (await processesOf(workspace.dir)).length === 0 ? true : undefined,
  );
});

async function startServer(): Promise<{ client: Client; pid: number; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', '--flows', 'flows', '--store', 'sqlite:state.db'],
    cwd: workspace.dir,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'durable', version: '1' });
  await client.connect(transport);
  return { client, pid: transport.pid!, stderr: () => stderr };
}

it('resumes a run whose server was killed, without running its finished steps again', async () => {
  workspace = await createMcpWorkspace();
  const first = await startServer();
  const { runId } = await callStructured(first.client, 'workflow_start', {
    flow: 'gated',
    input: { key: 'durable' },
  });
  await eventually(async () =>
    (await workspace.records()).some((r) => r.key === 'durable' && r.event === 'start')
      ? true
      : undefined,
  );
  process.kill(first.pid, 'SIGKILL');
  await first.client.close();

  await workspace.openGate();
  const second = await startServer();
  // stderr is another pipe than the MCP answers: its line may arrive after them.
  await eventually(async () =>
    /store sqlite; resumed 1 runs/.test(second.stderr()) ? true : undefined,
  );
  const done = await eventually(async () => {
    const status = await callStructured(second.client, 'workflow_status', { runId });
    return status.status === 'running' ? undefined : status;
  });
  expect(done).toMatchObject({
    status: 'completed',
    result: { outcome: 'success', result: { second: { key: 'durable', passed: true } } },
  });
  const records = await workspace.records();
  // `first` finished before the kill: its result was journaled, so it did not run again.
  expect(records.filter((r) => r.key === 'durable' && r.component === 'record')).toHaveLength(1);
  await second.client.close();
});
