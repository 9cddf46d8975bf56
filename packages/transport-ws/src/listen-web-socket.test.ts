import { once } from 'node:events';
import { connect } from 'node:net';
import type { Transport } from '@stepflow/jsonrpc';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { listenWebSocket, type ListenWebSocketOptions } from './index.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A listener whose connections are started and record what they receive. */
async function listen(options: Partial<ListenWebSocketOptions> = {}) {
  let firstMessage: (message: unknown) => void = () => {};
  const received = new Promise<unknown>((resolve) => (firstMessage = resolve));
  const listener = await listenWebSocket({
    ...options,
    onConnection: (transport: Transport) => {
      transport.onmessage = (message) => firstMessage(message);
      transport.onerror = () => {};
      void transport.start();
    },
  });
  cleanups.push(() => listener.close());
  /** `received`: the first message a connection passed on to its owner. */
  return { listener, received };
}

/** A plain `ws` client: sends raw frames and yields every frame it receives, parsed. */
async function rawClient(url: string) {
  const ws = new WebSocket(url);
  const frames: unknown[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data: Buffer) => {
    frames.push(JSON.parse(data.toString('utf8')));
    waiters.splice(0).forEach((wake) => wake());
  });
  await once(ws, 'open');
  cleanups.push(async () => {
    const closed = once(ws, 'close');
    ws.close();
    await closed;
  });
  const next = async (): Promise<unknown> => {
    while (frames.length === 0) await new Promise<void>((wake) => waiters.push(wake));
    return frames.shift();
  };
  return { ws, next };
}

const parseError = {
  jsonrpc: '2.0',
  id: null,
  error: { code: -32700, message: expect.stringMatching(/^Parse error: /) },
};
const invalidRequest = {
  jsonrpc: '2.0',
  id: null,
  error: { code: -32600, message: expect.stringMatching(/^Invalid Request: /) },
};

describe('listenWebSocket', () => {
  it('answers malformed frames with -32700 / -32600 and id null, and keeps the connection', async () => {
    const { listener, received } = await listen();
    const client = await rawClient(listener.url);
    client.ws.send('not json');
    expect(await client.next()).toEqual(parseError);
    for (const frame of [
      '42',
      '[{"jsonrpc":"2.0","method":"a"}]',
      '{"jsonrpc":"1.0","method":"a"}',
    ]) {
      client.ws.send(frame);
      expect(await client.next()).toEqual(invalidRequest);
    }
    client.ws.send(Buffer.from('{"jsonrpc":"2.0","method":"a"}'), { binary: true });
    expect(await client.next()).toEqual({
      ...invalidRequest,
      error: { code: -32600, message: expect.stringContaining('binary frames are not supported') },
    });
    client.ws.send('{"jsonrpc":"2.0","id":1,"method":"ok"}');
    // The server transport answers nothing itself: a well-formed request reaches its owner.
    expect(await received).toEqual({ jsonrpc: '2.0', id: 1, method: 'ok' });
  });

  it('answers 408 and disconnects a client that never finishes its upgrade request', async () => {
    const { listener } = await listen({ headersTimeoutMs: 100 });
    const socket = connect(listener.port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => {});
    await once(socket, 'connect');
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
    await once(socket, 'close');
    expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });
});
