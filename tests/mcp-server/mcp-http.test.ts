// MCP at `/mcp` of `stepflow serve`, over streamable HTTP with the MCP SDK's real client: the
// service's token and Host/Origin checks, and one run supervisor shared with the HTTP API.
import { request } from 'node:http';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  GREET_FLOW,
  processesOf,
  startService,
  type ServiceProcess,
} from '../service/service-harness.ts';
import {
  callStructured,
  createMcpWorkspace,
  newClient,
  recordProgress,
  textOf,
} from './mcp-harness.ts';

const TOKEN = 'mcp-token';
let workspace: Awaited<ReturnType<typeof createMcpWorkspace>>;
let service: ServiceProcess;
let client: Client;
let transport: StreamableHTTPClientTransport;

function connectTransport(): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(new URL(`${service.url}/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
  });
}

beforeAll(async () => {
  workspace = await createMcpWorkspace();
  service = await startService(workspace.dir, [
    '--store',
    'memory',
    '--token',
    TOKEN,
    '--flows',
    'flows',
  ]);
  client = newClient();
  transport = connectTransport();
  await client.connect(transport);
});

afterAll(async () => {
  await client.close();
  expect(await service.stop()).toBe(0);
  expect(await processesOf(workspace.dir)).toEqual([]);
});

/** A raw POST to `/mcp` with the given headers: the service's checks answer before MCP does. */
function rawPost(headers: Record<string, string>): Promise<number> {
  const url = new URL(`${service.url}/mcp`);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: '/mcp',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }));
  });
}

describe('MCP at /mcp of stepflow serve', () => {
  it('is behind the token and the Host and Origin checks', async () => {
    expect(await rawPost({})).toBe(401);
    expect(await rawPost({ authorization: 'Bearer wrong' })).toBe(401);
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect(await rawPost({ ...auth, host: 'evil.example' })).toBe(403);
    expect(await rawPost({ ...auth, origin: 'https://evil.example' })).toBe(403);
    // Authorised, but no session and not an initialize: refused by the MCP transport.
    expect(await rawPost(auth)).toBe(400);
    const stranger = newClient();
    await expect(
      stranger.connect(new StreamableHTTPClientTransport(new URL(`${service.url}/mcp`))),
    ).rejects.toThrow(/401/);
  });

  it('lists the flow tools and calls one, with progress', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('greet');
    const progress = recordProgress(client);
    const result = (await client.callTool({ name: 'greet', arguments: { name: 'Bo' } }, undefined, {
      onprogress: () => undefined,
    })) as CallToolResult;
    expect(result.structuredContent).toEqual({ messages: [{ role: 'user', content: 'Bo' }] });
    expect(progress.received).toEqual([
      { progress: 1, total: 1, message: "step 'hello': success" },
    ]);
    // The run is the HTTP API's too.
    const runId = result._meta?.['stepflow.org/runId'] as string;
    const run = await service.api(`runs/${runId}`);
    expect(run.body).toMatchObject({ runId, status: 'completed', flowName: 'greet' });
  });

  it('names a schema violation and a failed flow', async () => {
    const wrongType = (await client.callTool({
      name: 'greet',
      arguments: { name: ['x'] },
    })) as CallToolResult;
    expect(wrongType.isError).toBe(true);
    expect(textOf(wrongType)).toMatch(/- \/name: must be string/);
    const missing = (await client.callTool({ name: 'greet', arguments: {} })) as CallToolResult;
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/must have required property 'name'/);
    const broken = (await client.callTool({ name: 'broken', arguments: {} })) as CallToolResult;
    expect(broken.isError).toBe(true);
    expect(textOf(broken)).toMatch(/step "load" failed: File not found: missing.json/);
  });

  it('starts a run through MCP that the HTTP API cancels, and the other way round', async () => {
    const { runId } = await callStructured(client, 'workflow_start', {
      flow: 'gated',
      input: { key: 'rest-cancel' },
    });
    await eventually(async () =>
      (await workspace.records()).some((r) => r.key === 'rest-cancel' && r.event === 'start')
        ? true
        : undefined,
    );
    const cancelled = await service.api(`runs/${runId}/cancel`, { method: 'POST' });
    expect(cancelled.body).toMatchObject({ runId, status: 'cancelled' });
    expect(await callStructured(client, 'workflow_status', { runId })).toMatchObject({
      status: 'cancelled',
    });

    const stored = await service.api('flows', { body: { flow: GREET_FLOW } });
    const started = await callStructured(client, 'workflow_start', {
      flow: stored.body.flowId,
      input: { name: 'Cy' },
    });
    const done = await eventually(async () => {
      const run = await service.api(`runs/${started.runId}`);
      return run.body.status === 'running' ? undefined : run.body;
    });
    expect(done).toMatchObject({ status: 'completed', flowId: stored.body.flowId });
  });

  it('cancels the run of a flow tool call the client cancels', async () => {
    const controller = new AbortController();
    const call = client.callTool({ name: 'gated', arguments: { key: 'http-abort' } }, undefined, {
      signal: controller.signal,
    });
    await eventually(async () =>
      (await workspace.records()).some((r) => r.key === 'http-abort' && r.event === 'start')
        ? true
        : undefined,
    );
    controller.abort();
    await expect(call).rejects.toThrow();
    await eventually(async () => {
      const { body } = await service.api('runs?flowName=gated&status=running');
      return body.runs.length === 0 ? true : undefined;
    });
    const cancelled = (await service.api('runs?flowName=gated&status=cancelled')).body.runs;
    expect(cancelled.length).toBe(2);
  });

  it('reports progress of a long run over the stream, then its result', async () => {
    const progress = recordProgress(client);
    const call = client.callTool({ name: 'gated', arguments: { key: 'http-long' } }, undefined, {
      onprogress: () => undefined,
    });
    await progress.count(1);
    await workspace.openGate();
    const result = (await call) as CallToolResult;
    expect(result.structuredContent).toMatchObject({ second: { key: 'http-long', passed: true } });
    await progress.count(2);
    expect(progress.received.map((p) => [p.progress, p.total])).toEqual([
      [1, 2],
      [2, 2],
    ]);
  });

  it('ends a session on DELETE: its id is unknown afterwards', async () => {
    const other = newClient();
    const otherTransport = connectTransport();
    await other.connect(otherTransport);
    const sessionId = otherTransport.sessionId!;
    expect(sessionId).toMatch(/^[\w-]+$/);
    await otherTransport.terminateSession();
    await other.close();
    expect(await rawPost({ authorization: `Bearer ${TOKEN}`, 'mcp-session-id': sessionId })).toBe(
      404,
    );
  });
});
