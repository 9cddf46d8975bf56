import { once } from 'node:events';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createStreamableHttpHandler, listenHttp, nodeHttpTimeouts } from './index.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Sends `head` (and nothing after it) to `port`; resolves with all bytes read once the server closes. */
async function sendAndWaitForClose(port: number, head: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.write(head);
  await once(socket, 'close');
  return received;
}

describe('HTTP server timeouts', () => {
  it('answers 408 and disconnects a client that never finishes its body', async () => {
    const handler = createStreamableHttpHandler();
    const peer = handler.transport;
    await peer.start();
    const listener = await listenHttp(handler, { requestTimeoutMs: 200, headersTimeoutMs: 100 });
    cleanups.push(() => listener.close());
    const received = await sendAndWaitForClose(
      listener.port,
      'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        'Accept: application/json, text/event-stream\r\nContent-Length: 1000\r\n\r\n{"jsonrpc":',
    );
    expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it('answers 408 and disconnects a client that never finishes its headers', async () => {
    const listener = await listenHttp(createStreamableHttpHandler(), { headersTimeoutMs: 100 });
    cleanups.push(() => listener.close());
    const received = await sendAndWaitForClose(listener.port, 'GET /health HTTP/1.1\r\nHost: 1');
    expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it('defaults to 60 s for a request and 10 s for headers, checked often enough', () => {
    expect(nodeHttpTimeouts()).toEqual({
      requestTimeout: 60_000,
      headersTimeout: 10_000,
      connectionsCheckingInterval: 2_500,
    });
    expect(nodeHttpTimeouts({ requestTimeoutMs: 40 })).toEqual({
      requestTimeout: 40,
      headersTimeout: 40,
      connectionsCheckingInterval: 10,
    });
    expect(() => nodeHttpTimeouts({ requestTimeoutMs: 0 })).toThrow(
      'requestTimeoutMs must be a positive integer, got 0',
    );
  });
});
