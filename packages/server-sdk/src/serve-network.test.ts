import { once } from 'node:events';
import { connect } from 'node:net';
import { createJsonRpcPeer, type JsonRpcPeer, type Transport } from '@stepflow/jsonrpc';
import { createHttpClientTransport } from '@stepflow/transport-http';
import { createWebSocketClientTransport } from '@stepflow/transport-ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serveHttp } from './http.ts';
import { createComponentServer } from './index.ts';
import { serveWebSocket } from './websocket.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function sampleServer(udf = false) {
  const server = createComponentServer({
    name: 'network-test',
    version: '1.0.0',
    udf,
    writeLog: () => {},
  });
  server.component('echo', {}, (input) => input);
  server.component('double-via-blob', {}, async (input, context) => {
    const id = await context.putBlob({ n: input });
    const stored = await context.getBlob<{ n: number }>(id);
    return stored.n * 2;
  });
  return server;
}

async function runtimePeer(transport: Transport): Promise<JsonRpcPeer> {
  const peer = createJsonRpcPeer(transport, { onError: () => {} });
  const blobs = new Map<string, unknown>();
  peer.handleRequest('blobs/put', (params) => {
    const blobId = `b${blobs.size}`;
    blobs.set(blobId, (params as { data: unknown }).data);
    return { blob_id: blobId };
  });
  peer.handleRequest('blobs/get', (params) => {
    const blobId = (params as { blob_id: string }).blob_id;
    return { data: blobs.get(blobId), blob_type: 'data' };
  });
  await peer.start();
  cleanups.push(() => peer.close());
  return peer;
}

const execute = (component: string, input: unknown) => ({
  component,
  input,
  attempt: 1,
  observability: { run_id: 'r', flow_id: 'f', step_id: 's' },
});

describe.each([
  [
    'HTTP',
    async () => {
      const handle = await serveHttp(sampleServer(), { port: 0, graceMs: 0 });
      cleanups.push(() => handle.close());
      return createHttpClientTransport({ url: handle.url });
    },
  ],
  [
    'WebSocket',
    async () => {
      const handle = await serveWebSocket(sampleServer(), { port: 0, graceMs: 0 });
      cleanups.push(() => handle.close());
      return createWebSocketClientTransport({ url: handle.url });
    },
  ],
])('serving over %s', (_name, open) => {
  it('handshakes, executes, and serves callbacks during execution, concurrently', async () => {
    const peer = await runtimePeer(await open());
    expect(await peer.request('initialize', { runtime_protocol_version: 1 })).toEqual({
      server_protocol_version: 1,
    });
    await peer.notify('initialized', {});
    expect(await peer.request('components/execute', execute('/echo', { a: 1 }))).toEqual({
      output: { a: 1 },
    });
    const results = await Promise.all(
      Array.from({ length: 32 }, (_, n) =>
        peer.request('components/execute', execute('/double-via-blob', n)),
      ),
    );
    expect(results).toEqual(Array.from({ length: 32 }, (_, n) => ({ output: n * 2 })));
  });
});

describe('serveHttp', () => {
  it('reports health with the server name and refuses foreign hosts by default', async () => {
    const handle = await serveHttp(sampleServer(), { port: 0, graceMs: 0 });
    cleanups.push(() => handle.close());
    const health = (await (await fetch(`${handle.url}health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({
      status: 'healthy',
      instanceId: handle.instanceId,
      service: 'network-test',
    });
    expect(handle.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });
});

describe.each([
  ['serveHttp', serveHttp],
  ['serveWebSocket', serveWebSocket],
] as const)('%s with /udf on', (name, serve) => {
  it('refuses to start without a token unless told to allow it', async () => {
    await expect(serve(sampleServer(true), { port: 0 })).rejects.toThrow(
      `${name}: refusing to serve 'network-test' on 127.0.0.1:0 without a token`,
    );
    await expect(serve(sampleServer(true), { port: 0, token: '' })).rejects.toThrow(
      `${name}: token must not be empty`,
    );
  });

  it('starts with a token, and with the opt-in after a warning on stderr', async () => {
    const withToken = await serve(sampleServer(true), { port: 0, graceMs: 0, token: 't' });
    cleanups.push(() => withToken.close());
    const warnings: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      warnings.push(String(chunk));
      return true;
    });
    try {
      const open = await serve(sampleServer(true), {
        port: 0,
        graceMs: 0,
        allowUnauthenticatedUdf: true,
      });
      cleanups.push(() => open.close());
    } finally {
      write.mockRestore();
    }
    expect(warnings).toEqual([
      `warning: ${name}: 'network-test' serves /udf on 127.0.0.1:0 without a token: any process that can connect can run arbitrary code in this server.\n`,
    ]);
  });
});

describe.each([
  ['serveHttp', serveHttp],
  ['serveWebSocket', serveWebSocket],
] as const)('%s timeouts', (_name, serve) => {
  it('answers 408 and disconnects a client too slow to send its request', async () => {
    const handle = await serve(sampleServer(), { port: 0, graceMs: 0, headersTimeoutMs: 100 });
    cleanups.push(() => handle.close());
    const socket = connect(handle.port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => {});
    await once(socket, 'connect');
    socket.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await once(socket, 'close');
    expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });
});
