import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { describe, expect, it } from 'vitest';
import { createMcpHttpHandler, type McpHttpHandlerOptions } from './mcp-http-handler.ts';

/** A client whose requests go straight to the handler (no socket). */
function clientOf(handler: { fetch(request: Request): Promise<Response> }): {
  client: Client;
  transport: StreamableHTTPClientTransport;
} {
  const transport = new StreamableHTTPClientTransport(new URL('http://127.0.0.1/mcp'), {
    fetch: (url, init) => handler.fetch(new Request(url, init)),
  });
  return { client: new Client({ name: 'c', version: '1' }), transport };
}

function handlerOf(options: Partial<McpHttpHandlerOptions> = {}) {
  return createMcpHttpHandler({
    createServer: () => new McpServer({ name: 's', version: '1' }, { capabilities: { tools: {} } }),
    ...options,
  });
}

describe('createMcpHttpHandler', () => {
  it('opens a session per initialize and closes it on DELETE', async () => {
    const handler = handlerOf();
    const { client, transport } = clientOf(handler);
    await client.connect(transport);
    expect(handler.sessionCount).toBe(1);
    await transport.terminateSession();
    expect(handler.sessionCount).toBe(0);
    await client.close();
  });

  it('answers 404 for an unknown session and 400 for a GET without one', async () => {
    const handler = handlerOf();
    const unknown = await handler.fetch(
      new Request('http://127.0.0.1/mcp', {
        method: 'POST',
        headers: { 'mcp-session-id': 'nope', 'content-type': 'application/json' },
        body: '{}',
      }),
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { message: 'Session not found' } });
    const get = await handler.fetch(new Request('http://127.0.0.1/mcp'));
    expect(get.status).toBe(400);
  });

  it('leaves no session behind for a request that is not an initialize', async () => {
    const handler = handlerOf();
    const response = await handler.fetch(
      new Request('http://127.0.0.1/mcp', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      }),
    );
    expect(response.status).toBe(400);
    expect(handler.sessionCount).toBe(0);
  });

  it('closes idle sessions to make room, else refuses with 503', async () => {
    let now = 0;
    const handler = handlerOf({ maxSessions: 1, idleMs: 1000, now: () => now });
    const first = clientOf(handler);
    await first.client.connect(first.transport);
    const second = clientOf(handler);
    await expect(second.client.connect(second.transport)).rejects.toThrow(/503|Too many/);
    now = 1000;
    const third = clientOf(handler);
    await third.client.connect(third.transport);
    expect(handler.sessionCount).toBe(1);
    await handler.close();
    expect(handler.sessionCount).toBe(0);
    const late = await handler.fetch(new Request('http://127.0.0.1/mcp', { method: 'POST' }));
    expect(late.status).toBe(503);
  });
});
