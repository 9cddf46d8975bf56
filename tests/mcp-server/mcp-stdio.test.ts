// `stepflow mcp` over stdio, driven by the MCP SDK's real client: flows as tools, operator tools,
// progress, cancellation and run resources.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, eventually, processesOf } from '../service/service-harness.ts';
import {
  callStructured,
  createMcpWorkspace,
  newClient,
  recordProgress,
  textOf,
} from './mcp-harness.ts';

let workspace: Awaited<ReturnType<typeof createMcpWorkspace>>;
let client: Client;
let stderr = '';
const clientErrors: Error[] = [];

beforeAll(async () => {
  workspace = await createMcpWorkspace();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', '--flows', 'flows'],
    cwd: workspace.dir,
    env: { ...(process.env as Record<string, string>), STEPFLOW_TOKEN: '' },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  client = newClient();
  // A stray line on stdout would surface here: stdout must carry MCP messages only.
  client.onerror = (error) => clientErrors.push(error);
  await client.connect(transport);
});

afterAll(async () => {
  await client.close();
  expect(clientErrors).toEqual([]);
  await eventually(async () =>
    (await processesOf(workspace.dir)).length === 0 ? true : undefined,
  );
});

async function gateStarts(): Promise<number> {
  return (await workspace.records()).filter((r) => r.component === 'gate' && r.event === 'start')
    .length;
}

describe('stepflow mcp over stdio', () => {
  it('lists every flow as a tool with its schemas, then the operator tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual([
      'approve',
      'broken',
      'gated',
      'greet',
      'workflow_start',
      'workflow_status',
      'workflow_resume',
      'workflow_cancel',
      'workflow_list',
    ]);
    expect(tools.find((tool) => tool.name === 'greet')).toMatchObject({
      description: 'Greets someone by name',
      inputSchema: { type: 'object', required: ['name'] },
      outputSchema: { type: 'object', required: ['messages'] },
    });
    await eventually(async () =>
      /MCP server on stdio \(4 flow tools; store memory/.test(stderr) ? true : undefined,
    );
  });

  it('calls a flow tool: structured result, text rendering and a progress per step', async () => {
    const progress = recordProgress(client);
    const result = (await client.callTool(
      { name: 'greet', arguments: { name: 'Ada' } },
      undefined,
      {
        onprogress: () => undefined,
      },
    )) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ messages: [{ role: 'user', content: 'Ada' }] });
    expect(JSON.parse(textOf(result))).toEqual(result.structuredContent);
    expect(progress.received).toEqual([
      { progress: 1, total: 1, message: "step 'hello': success" },
    ]);
    const runId = result._meta?.['stepflow.org/runId'] as string;
    expect(await callStructured(client, 'workflow_status', { runId })).toMatchObject({
      status: 'completed',
      flowName: 'greet',
      steps: [{ stepId: 'hello', status: 'completed' }],
    });
  });

  it('refuses a bad input naming the schema violation; nothing runs', async () => {
    const before = (await callStructured(client, 'workflow_list', {})).runs.length;
    const result = (await client.callTool({
      name: 'greet',
      arguments: { name: 7 },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /greet: .*does not match its inputSchema:\n\s+- \/name: must be string/,
    );
    expect((await callStructured(client, 'workflow_list', {})).runs.length).toBe(before);
  });

  it('reports a failed flow as an isError result with the step and its cause', async () => {
    const result = (await client.callTool({ name: 'broken', arguments: {} })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /^Flow 'broken' failed \(run [\w-]+\): step "load" failed: File not found: missing.json \[code 500\]$/,
    );
  });

  it('answers an unknown tool with a protocol error', async () => {
    await expect(client.callTool({ name: 'nope', arguments: {} })).rejects.toThrow(
      /Unknown tool 'nope'/,
    );
  });

  it('starts a run at once, shows its steps while it runs, and cancels it', async () => {
    const started = await callStructured(client, 'workflow_start', {
      flow: 'gated',
      input: { key: 'to-cancel' },
    });
    expect(started).toMatchObject({ status: 'running', runId: expect.any(String) });
    const { runId } = started as { runId: string };
    const running = await eventually(async () => {
      const status = await callStructured(client, 'workflow_status', { runId });
      return status.steps[1].status === 'running' ? status : undefined;
    });
    expect(running).toMatchObject({
      status: 'running',
      steps: [
        { stepId: 'first', component: '/fx/record', status: 'completed' },
        { stepId: 'second', component: '/fx/gate', status: 'running' },
      ],
    });
    expect(running.result).toBeUndefined();
    const cancelled = await callStructured(client, 'workflow_cancel', { runId });
    expect(cancelled).toMatchObject({ runId, status: 'cancelled', result: { outcome: 'failed' } });
    const again = (await client.callTool({
      name: 'workflow_cancel',
      arguments: { runId },
    })) as CallToolResult;
    expect(again.isError).toBe(true);
    expect(textOf(again)).toBe(`Run ${runId} cannot be cancelled: it is cancelled`);
    // The component protocol has no cancel message: the run stops waiting for the gate.
    expect(cancelled.result.error.message).toMatch(/cancel/i);
  });

  it('cancels the run of a flow tool call the client cancels', async () => {
    const before = await gateStarts();
    const controller = new AbortController();
    const call = client.callTool({ name: 'gated', arguments: { key: 'abort-me' } }, undefined, {
      signal: controller.signal,
    });
    await eventually(async () => ((await gateStarts()) > before ? true : undefined));
    controller.abort();
    await expect(call).rejects.toThrow();
    const { runs } = await callStructured(client, 'workflow_list', { flowName: 'gated' });
    const runId = (runs as { runId: string }[])[0]!.runId;
    await eventually(async () =>
      (await callStructured(client, 'workflow_status', { runId })).status === 'cancelled'
        ? true
        : undefined,
    );
  });

  it('serves runs as resources', async () => {
    const { resources } = await client.listResources();
    expect(resources.length).toBeGreaterThan(0);
    expect(resources[0]).toMatchObject({
      uri: expect.stringMatching(/^stepflow:\/\/runs\//),
      mimeType: 'application/json',
    });
    const read = await client.readResource({ uri: resources[0]!.uri });
    const text = (read.contents[0] as { text: string }).text;
    expect(JSON.parse(text)).toMatchObject({ runId: resources[0]!.uri.slice(16) });
    await expect(client.readResource({ uri: 'stepflow://runs/unknown' })).rejects.toThrow(
      /Unknown run 'unknown'/,
    );
  });

  it('answers a question with workflow_resume: a wrong answer is refused, then the run ends', async () => {
    const { runId } = await callStructured(client, 'workflow_start', { flow: 'approve' });
    const paused = await eventually(async () => {
      const status = await callStructured(client, 'workflow_status', { runId });
      return status.status === 'paused' && status.questions.length === 1 ? status : undefined;
    });
    expect(paused.questions[0]).toMatchObject({
      stepId: 'ask',
      prompt: { text: 'Ship it?' },
      schema: { required: ['approved'] },
    });
    const wrong = (await client.callTool({
      name: 'workflow_resume',
      arguments: { runId, stepId: 'ask', answer: { approved: 'yes' } },
    })) as CallToolResult;
    expect(wrong.isError).toBe(true);
    expect(textOf(wrong)).toContain('does not match its schema: /approved must be boolean');
    await callStructured(client, 'workflow_resume', {
      runId,
      stepId: 'ask',
      answer: { approved: true },
    });
    const done = await eventually(async () => {
      const status = await callStructured(client, 'workflow_status', { runId });
      return status.status === 'completed' ? status : undefined;
    });
    expect(done.result).toEqual({ outcome: 'success', result: { approved: true } });
    const again = (await client.callTool({
      name: 'workflow_resume',
      arguments: { runId, stepId: 'ask', answer: { approved: false } },
    })) as CallToolResult;
    expect(again.isError).toBe(true);
  });

  it('names unknown flows and runs, and refuses a bad input', async () => {
    const start = (await client.callTool({
      name: 'workflow_start',
      arguments: { flow: 'nope' },
    })) as CallToolResult;
    expect(textOf(start)).toBe(
      "Unknown flow 'nope': expected one of approve, broken, gated, greet or a stored flow id",
    );
    const status = (await client.callTool({
      name: 'workflow_status',
      arguments: { runId: 'nope' },
    })) as CallToolResult;
    expect(textOf(status)).toBe("Unknown run 'nope'");
    const bad = (await client.callTool({
      name: 'workflow_start',
      arguments: { flow: 'greet', input: {} },
    })) as CallToolResult;
    expect(textOf(bad)).toMatch(/^input: .*must have required property 'name'/s);
  });

  it('reports progress as the steps of a long run complete, then its result', async () => {
    const progress = recordProgress(client);
    const call = client.callTool({ name: 'gated', arguments: { key: 'long' } }, undefined, {
      onprogress: () => undefined,
    });
    await progress.count(1);
    expect(progress.received).toEqual([
      { progress: 1, total: 2, message: "step 'first': success" },
    ]);
    await workspace.openGate();
    const result = (await call) as CallToolResult;
    expect(result.structuredContent).toEqual({
      first: { key: 'long', recorded: true },
      second: { key: 'long', passed: true },
    });
    expect(progress.received.map((p) => p.progress)).toEqual([1, 2]);
  });

  it('starts a run and polls it to its result', async () => {
    const { runId } = await callStructured(client, 'workflow_start', {
      flow: 'gated',
      input: { key: 'polled' },
    });
    const done = await eventually(async () => {
      const status = await callStructured(client, 'workflow_status', { runId });
      return status.status === 'running' ? undefined : status;
    });
    expect(done).toMatchObject({
      status: 'completed',
      result: { outcome: 'success', result: { second: { key: 'polled', passed: true } } },
    });
  });
});

describe('stepflow mcp as a process', () => {
  it('answers every request written before stdin closed, then exits 0', async () => {
    const lines = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'pipe', version: '1' },
        },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'greet', arguments: { name: 'Eve' } },
      },
    ];
    const child = execFile(process.execPath, [CLI, 'mcp', '--flows', 'flows'], {
      cwd: workspace.dir,
    });
    let stdout = '';
    child.stdout!.on('data', (chunk: string) => (stdout += chunk));
    const exited = new Promise<number | null>((done) => child.once('exit', done));
    child.stdin!.end(lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
    expect(await exited).toBe(0);
    const answers = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: number; result: { structuredContent?: unknown } });
    expect(answers.map((answer) => answer.id)).toEqual([1, 2]);
    expect(answers[1]!.result.structuredContent).toEqual({
      messages: [{ role: 'user', content: 'Eve' }],
    });
  });

  it('with an invalid flow, naming the file and the step', async () => {
    const bad = await createMcpWorkspace();
    await writeFile(
      join(bad.flowsDir, 'bad.yaml'),
      [
        'schema: https://stepflow.org/schemas/v1/flow.json',
        'name: bad',
        'steps:',
        '  - id: a',
        '    component: /builtin/eval',
        '    input: { x: { $from: { step: nowhere } } }',
      ].join('\n'),
    );
    const failure = await promisify(execFile)(process.execPath, [CLI, 'mcp', '--flows', 'flows'], {
      cwd: bad.dir,
    }).catch((error: { code: number; stderr: string; stdout: string }) => error);
    expect(failure).toMatchObject({ code: 2, stdout: '' });
    expect((failure as { stderr: string }).stderr).toMatch(
      /^stepflow: error: --flows: Cannot serve the flows in .*flows:\n {2}- bad\.yaml: step 'a'.*nowhere/,
    );
  });
});
