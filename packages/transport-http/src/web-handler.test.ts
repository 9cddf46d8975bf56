import { afterEach, describe, expect, it } from 'vitest';
import { Inbox } from '../test/helpers.ts';
import { createHttpClientTransport, createStreamableHttpHandler, listenHttp } from './index.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  host: 'localhost',
};

async function started() {
  const handler = createStreamableHttpHandler({ instanceId: 'web' });
  const inbox = new Inbox();
  handler.transport.onmessage = inbox.push;
  await handler.transport.start();
  cleanups.push(() => handler.transport.close());
  return { handler, inbox };
}

describe('the handler as a web Request → Response function', () => {
  it('answers with JSON', async () => {
    const { handler, inbox } = await started();
    const pending = handler(
      new Request('http://localhost/', {
        method: 'POST',
        headers: HEADERS,
        body: '{"jsonrpc":"2.0","id":1,"method":"m"}',
      }),
    );
    await inbox.next();
    await handler.transport.send({ jsonrpc: '2.0', id: 1, result: 'ok' });
    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.headers.get('stepflow-instance-id')).toBe('web');
    expect(await response.text()).toBe('{"jsonrpc":"2.0","id":1,"result":"ok"}');
  });

  it('streams callbacks and the final response as SSE', async () => {
    const { handler, inbox } = await started();
    const pending = handler(
      new Request('http://localhost/', {
        method: 'POST',
        headers: HEADERS,
        body: '{"jsonrpc":"2.0","id":1,"method":"m"}',
      }),
    );
    await inbox.next();
    await handler.transport.send(
      { jsonrpc: '2.0', id: 'cb', method: 'c' },
      { relatedRequestId: 1 },
    );
    await handler.transport.send({ jsonrpc: '2.0', id: 1, result: 'ok' });
    const response = await pending;
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(await response.text()).toBe(
      'data: {"jsonrpc":"2.0","id":"cb","method":"c"}\n\ndata: {"jsonrpc":"2.0","id":1,"result":"ok"}\n\n',
    );
  });

  it('is served by listenHttp through the generic web adapter when wrapped', async () => {
    const { handler, inbox } = await started();
    // A plain function hides the fast path, so the web Request/Response conversion is used.
    const listener = await listenHttp((request) => handler(request));
    cleanups.push(() => listener.close());
    const client = createHttpClientTransport({ url: listener.url });
    const answers = new Inbox();
    client.onmessage = answers.push;
    cleanups.push(() => client.close());
    await client.send({ jsonrpc: '2.0', id: 1, method: 'm', params: 'x'.repeat(100_000) });
    await inbox.next();
    await handler.transport.send(
      { jsonrpc: '2.0', id: 'cb', method: 'c' },
      { relatedRequestId: 1 },
    );
    expect(await answers.next()).toEqual({ jsonrpc: '2.0', id: 'cb', method: 'c' });
    await client.send({ jsonrpc: '2.0', id: 'cb', result: 1 });
    expect(await inbox.next()).toEqual({ jsonrpc: '2.0', id: 'cb', result: 1 });
    await handler.transport.send({ jsonrpc: '2.0', id: 1, result: 'ok' });
    expect(await answers.next()).toEqual({ jsonrpc: '2.0', id: 1, result: 'ok' });
  });
});
