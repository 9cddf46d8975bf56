import { JsonRpcError, createJsonRpcPeer } from '@stepflow/jsonrpc';
import type { JsonRpcPeer } from '@stepflow/jsonrpc';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebSocketClientTransport, listenWebSocket } from './index.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function connectedRuntime(): Promise<JsonRpcPeer> {
  const listener = await listenWebSocket({
    onConnection: (transport) => {
      const component = createJsonRpcPeer(transport, { onError: () => undefined });
      component.handleRequest('echo', (params) => params);
      component.handleRequest('execute', async (params, ctx) => {
        const { n } = params as { n: number };
        const stored = (await ctx.request('blobs/put', { data: n })) as { id: string };
        const fetched = (await ctx.request('blobs/get', { id: stored.id })) as { data: number };
        return { output: fetched.data * 2 };
      });
      component.handleRequest('fail', () => {
        throw new JsonRpcError(-32003, 'Component execution failed: boom');
      });
      void component.start();
    },
  });
  const runtime = createJsonRpcPeer(createWebSocketClientTransport({ url: listener.url }), {
    onError: () => undefined,
  });
  const blobs = new Map<string, unknown>();
  runtime.handleRequest('blobs/put', (params) => {
    const id = `blob-${blobs.size}`;
    blobs.set(id, (params as { data: unknown }).data);
    return { id };
  });
  runtime.handleRequest('blobs/get', (params) => ({
    data: blobs.get((params as { id: string }).id),
  }));
  await runtime.start();
  cleanups.push(async () => {
    await runtime.close();
    await listener.close();
  });
  return runtime;
}

describe('JSON-RPC peers over WebSocket', () => {
  it('round-trips requests and errors', async () => {
    const runtime = await connectedRuntime();
    expect(await runtime.request('echo', { a: [1, 2] })).toEqual({ a: [1, 2] });
    const error = await runtime.request('fail', {}).catch((e: unknown) => e);
    expect(JsonRpcError.isInstance(error) && error.code).toBe(-32003);
  });

  it('runs 64 concurrent executions that each call back twice', async () => {
    const runtime = await connectedRuntime();
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, n) => runtime.request('execute', { n })),
    );
    expect(results).toEqual(Array.from({ length: 64 }, (_, n) => ({ output: n * 2 })));
  });
});
