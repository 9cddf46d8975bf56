// Component servers in their own process, served over HTTP and WebSocket: round trips with
// callbacks, and a server killed mid-execution.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  ConnectionClosedError,
  createJsonRpcPeer,
  JsonRpcError,
  type JsonRpcPeer,
  type Transport,
} from '@stepflow/jsonrpc';
import { createHttpClientTransport } from '@stepflow/transport-http';
import { createWebSocketClientTransport } from '@stepflow/transport-ws';
import { afterEach, describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/component-server.mjs', import.meta.url));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(
  transport: 'http' | 'websocket',
): Promise<{ child: ChildProcess; url: string; stderr: AsyncIterator<string> }> {
  const child = spawn(process.execPath, [fixture, transport], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done === true)
    throw new Error(`the ${transport} fixture server exited before printing its URL`);
  const stderr = createInterface({ input: child.stderr })[Symbol.asyncIterator]();
  return { child, url: first.value, stderr };
}

async function runtimePeer(transport: Transport): Promise<{ peer: JsonRpcPeer; puts: unknown[] }> {
  const peer = createJsonRpcPeer(transport, { onError: () => {} });
  const puts: unknown[] = [];
  peer.handleRequest('blobs/put', (params) => {
    puts.push((params as { data: unknown }).data);
    return { blob_id: `b${puts.length}` };
  });
  await peer.start();
  cleanups.push(() => peer.close());
  return { peer, puts };
}

const execute = (component: string, input: unknown) => ({
  component,
  input,
  attempt: 1,
  observability: { run_id: 'r', flow_id: 'f', step_id: 's' },
});

describe.each([
  ['http' as const, (url: string) => createHttpClientTransport({ url, retry: { attempts: 0 } })],
  [
    'websocket' as const,
    (url: string) => createWebSocketClientTransport({ url, reconnect: false }),
  ],
])('a component server process over %s', (kind, connect) => {
  it('answers requests and concurrent executions', async () => {
    const { url } = await startServer(kind);
    const { peer } = await runtimePeer(connect(url));
    expect(await peer.request('initialize', { runtime_protocol_version: 1 })).toEqual({
      server_protocol_version: 1,
    });
    const outputs = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        peer.request('components/execute', execute('/echo', { n })),
      ),
    );
    expect(outputs).toEqual(Array.from({ length: 20 }, (_, n) => ({ output: { n } })));
  });

  it('rejects the pending execution when the server is killed mid-execution', async () => {
    const { child, url, stderr } = await startServer(kind);
    const { peer, puts } = await runtimePeer(connect(url));
    const pending = peer.request('components/execute', execute('/store-and-hang', { keep: 1 }));
    expect((await stderr.next()).value).toBe('hanging');
    expect(puts).toEqual([{ keep: 1 }]);
    child.kill('SIGKILL');
    const error = await pending.catch((e: unknown) => e);
    if (kind === 'http') {
      // HTTP has no connection to lose: the exchange itself is answered with a transport error.
      expect(JsonRpcError.isInstance(error)).toBe(true);
      expect((error as JsonRpcError).code).toBe(-32603);
      expect((error as JsonRpcError).data).toMatchObject({ transport: 'http', url });
    } else {
      // Without reconnection the transport closes, and the peer rejects what is pending.
      expect(ConnectionClosedError.isInstance(error)).toBe(true);
    }
  });
});
