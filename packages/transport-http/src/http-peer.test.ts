import { JsonRpcError, createJsonRpcPeer } from '@stepflow/jsonrpc';
import type { JsonRpcPeer } from '@stepflow/jsonrpc';
import { afterEach, describe, expect, it } from 'vitest';
import { unusedPort } from '../test/helpers.ts';
import {
  HTTP_TRANSPORT_ERROR_CODE,
  createHttpClientTransport,
  createStreamableHttpHandler,
  listenHttp,
} from './index.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function connectedPeers(): Promise<{ runtime: JsonRpcPeer; component: JsonRpcPeer }> {
  const handler = createStreamableHttpHandler();
  const component = createJsonRpcPeer(handler.transport, { onError: () => undefined });
  component.handleRequest('echo', (params) => params);
  component.handleRequest('execute', async (params, ctx) => {
    const { n } = params as { n: number };
    const stored = (await ctx.request('blobs/put', { data: n })) as { id: string };
    const fetched = (await ctx.request('blobs/get', { id: stored.id })) as { data: number };
    return { output: fetched.data * 2 };
  });
  component.handleRequest('fail', () => {
    throw new JsonRpcError(-32003, 'Component execution failed: boom', { step: 'x' });
  });
  await component.start();
  const listener = await listenHttp(handler);
  const runtime = createJsonRpcPeer(createHttpClientTransport({ url: listener.url }), {
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
    await component.close();
    await listener.close();
  });
  return { runtime, component };
}

describe('JSON-RPC peers over streamable HTTP', () => {
  it('round-trips plain requests and errors', async () => {
    const { runtime } = await connectedPeers();
    expect(await runtime.request('echo', { hello: 'world' })).toEqual({ hello: 'world' });
    const error = await runtime.request('fail', {}).catch((e: unknown) => e);
    expect(JsonRpcError.isInstance(error) && [error.code, error.message, error.data]).toEqual([
      -32003,
      'Component execution failed: boom',
      { step: 'x' },
    ]);
  });

  it('runs 64 concurrent executions that each call back twice', async () => {
    const { runtime } = await connectedPeers();
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, n) => runtime.request('execute', { n })),
    );
    expect(results).toEqual(Array.from({ length: 64 }, (_, n) => ({ output: n * 2 })));
  });

  it('rejects a request to a server that is down with a transport error naming the URL', async () => {
    const port = await unusedPort();
    const runtime = createJsonRpcPeer(
      createHttpClientTransport({ url: `http://127.0.0.1:${port}/`, retry: { attempts: 0 } }),
      {
        onError: () => undefined,
      },
    );
    await runtime.start();
    cleanups.push(() => runtime.close());
    const error = await runtime.request('initialize', {}).catch((e: unknown) => e);
    expect(JsonRpcError.isInstance(error)).toBe(true);
    const rpc = error as JsonRpcError;
    expect(rpc.code).toBe(HTTP_TRANSPORT_ERROR_CODE);
    expect(rpc.message).toContain(`cannot reach the component server at http://127.0.0.1:${port}/`);
    expect(rpc.data).toMatchObject({ transport: 'http', kind: 'unreachable' });
  });
});

describe('connection limits', () => {
  it('answers callbacks even when every request connection holds an SSE stream', async () => {
    const handler = createStreamableHttpHandler();
    const component = createJsonRpcPeer(handler.transport, { onError: () => undefined });
    component.handleRequest('execute', async (params, ctx) => ({
      echoed: await ctx.request('echo', params),
    }));
    await component.start();
    const listener = await listenHttp(handler);
    const runtime = createJsonRpcPeer(
      createHttpClientTransport({ url: listener.url, maxConnections: 2 }),
      { onError: () => undefined },
    );
    runtime.handleRequest('echo', (params) => params);
    await runtime.start();
    cleanups.push(async () => {
      await runtime.close();
      await component.close();
      await listener.close();
    });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) => runtime.request('execute', { n })),
    );
    expect(results).toEqual(Array.from({ length: 8 }, (_, n) => ({ echoed: { n } })));
  });
});
