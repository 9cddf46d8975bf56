// Pins the streamable HTTP wire format byte for byte where the reference depends on it
// (../shared/spec/STEPFLOW.md §6.5): request headers, JSON vs SSE responses, the 202s, the
// instance-id echo and error bodies.
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_HEADERS, Inbox, rawRequest } from '../test/helpers.ts';
import { createHttpClientTransport, createStreamableHttpHandler, listenHttp } from './index.ts';
import type { HttpListener, StreamableHttpHandler } from './index.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const INSTANCE = 'instance-under-test';

async function serve(options: Parameters<typeof createStreamableHttpHandler>[0] = {}): Promise<{
  handler: StreamableHttpHandler;
  listener: HttpListener;
  inbox: Inbox;
}> {
  const handler = createStreamableHttpHandler({
    instanceId: INSTANCE,
    now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
    ...options,
  });
  const inbox = new Inbox();
  handler.transport.onmessage = inbox.push;
  await handler.transport.start();
  const listener = await listenHttp(handler);
  cleanups.push(async () => {
    await handler.transport.close();
    await listener.close();
  });
  return { handler, listener, inbox };
}

function post(
  listener: HttpListener,
  body: string,
  headers: Record<string, string> = CLIENT_HEADERS,
) {
  return rawRequest(listener.url, {
    headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    body,
  });
}

describe('server wire format', () => {
  it('answers a request with exactly the JSON response when no callback is made', async () => {
    const { handler, listener, inbox } = await serve();
    const pending = post(
      listener,
      '{"jsonrpc":"2.0","id":1,"method":"components/list","params":{}}',
    );
    expect(await inbox.next()).toEqual({
      jsonrpc: '2.0',
      id: 1,
      method: 'components/list',
      params: {},
    });
    await handler.transport.send(
      { jsonrpc: '2.0', id: 1, result: { components: [] } },
      { relatedRequestId: 1 },
    );
    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['stepflow-instance-id']).toBe(INSTANCE);
    expect(response.body).toBe('{"jsonrpc":"2.0","id":1,"result":{"components":[]}}');
  });

  it('gives error responses 400, and -32603 500, as the reference does', async () => {
    const { handler, listener, inbox } = await serve();
    const first = post(listener, '{"jsonrpc":"2.0","id":"a","method":"components/execute"}');
    await inbox.next();
    await handler.transport.send({
      jsonrpc: '2.0',
      id: 'a',
      error: { code: -32001, message: 'Component not found' },
    });
    expect(await first).toMatchObject({
      status: 400,
      body: '{"jsonrpc":"2.0","id":"a","error":{"code":-32001,"message":"Component not found"}}',
    });
    const second = post(listener, '{"jsonrpc":"2.0","id":"b","method":"components/execute"}');
    await inbox.next();
    await handler.transport.send({
      jsonrpc: '2.0',
      id: 'b',
      error: { code: -32603, message: 'Internal error' },
    });
    expect((await second).status).toBe(500);
  });

  it('switches to SSE when a callback comes first, and accepts the posted response with 202', async () => {
    const { handler, listener, inbox } = await serve();
    const body =
      '{"jsonrpc":"2.0","id":9,"method":"components/execute","params":{"component":"/x","input":{}}}';
    const opening = openStream(listener, body);
    await inbox.next();
    await handler.transport.send(
      { jsonrpc: '2.0', id: 'cb-1', method: 'blobs/put', params: { data: 1, blob_type: 'data' } },
      { relatedRequestId: 9 },
    );
    const stream = await opening;
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream');
    expect(stream.headers['cache-control']).toBe('no-cache');
    expect(stream.headers['stepflow-instance-id']).toBe(INSTANCE);
    expect(await stream.next()).toBe(
      'data: {"jsonrpc":"2.0","id":"cb-1","method":"blobs/put","params":{"data":1,"blob_type":"data"}}\n\n',
    );
    const answer = '{"jsonrpc":"2.0","id":"cb-1","result":{"blob_id":"abc"}}';
    const posted = await post(listener, answer, {
      ...CLIENT_HEADERS,
      'stepflow-instance-id': INSTANCE,
    });
    expect(posted).toMatchObject({ status: 202, body: '' });
    expect(posted.headers['stepflow-instance-id']).toBe(INSTANCE);
    expect(await inbox.next()).toEqual(JSON.parse(answer));
    await handler.transport.send(
      { jsonrpc: '2.0', id: 9, result: { output: { outcome: 'success', result: 1 } } },
      { relatedRequestId: 9 },
    );
    expect(await stream.next()).toBe(
      'data: {"jsonrpc":"2.0","id":9,"result":{"output":{"outcome":"success","result":1}}}\n\n',
    );
    expect(await stream.end()).toBe('');
  });

  it('accepts notifications with an empty 202', async () => {
    const { listener, inbox } = await serve();
    const response = await post(listener, '{"jsonrpc":"2.0","method":"initialized"}');
    expect(response).toMatchObject({ status: 202, body: '' });
    expect(await inbox.next()).toEqual({ jsonrpc: '2.0', method: 'initialized' });
  });

  it('refuses a response posted for another instance', async () => {
    const { listener, inbox } = await serve();
    const response = await post(listener, '{"jsonrpc":"2.0","id":"cb","result":1}', {
      ...CLIENT_HEADERS,
      'stepflow-instance-id': 'other',
    });
    expect(response.status).toBe(404);
    expect(response.body).toBe(
      `{"jsonrpc":"2.0","id":"cb","error":{"code":-32600,"message":"Response for instance 'other' was posted to instance '${INSTANCE}'"}}`,
    );
    expect(inbox.size).toBe(0);
  });

  it('serves GET /health', async () => {
    const { listener } = await serve({ service: 'my-components' });
    const response = await rawRequest(listener.url, {
      method: 'GET',
      path: '/health',
      headers: { host: 'localhost' },
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      status: 'healthy',
      instanceId: INSTANCE,
      timestamp: '2026-01-02T03:04:05.000Z',
      service: 'my-components',
    });
  });

  it.each([
    [
      'a wrong Content-Type',
      { ...CLIENT_HEADERS, 'content-type': 'text/plain' },
      415,
      `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Unsupported Media Type: Content-Type must be application/json, got 'text/plain'"}}`,
    ],
    [
      'an Accept without text/event-stream',
      { ...CLIENT_HEADERS, accept: 'application/json' },
      406,
      '{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Not Acceptable: Accept must include application/json and text/event-stream"}}',
    ],
    [
      'an Accept without application/json',
      { ...CLIENT_HEADERS, accept: 'text/event-stream' },
      406,
      '{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Not Acceptable: Accept must include application/json and text/event-stream"}}',
    ],
    [
      'a foreign Host',
      { ...CLIENT_HEADERS, host: 'evil.example:80' },
      403,
      `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Host 'evil.example:80' is not allowed"}}`,
    ],
    [
      'a browser Origin',
      { ...CLIENT_HEADERS, origin: 'http://evil.example' },
      403,
      `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Origin 'http://evil.example' is not allowed"}}`,
    ],
  ])('rejects %s', async (_name, headers, status, body) => {
    const { listener, inbox } = await serve();
    const response = await post(listener, '{"jsonrpc":"2.0","id":1,"method":"x"}', headers);
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.body).toBe(body);
    expect(inbox.size).toBe(0);
  });

  it('answers unparsable and non-JSON-RPC bodies with 400', async () => {
    const { listener } = await serve();
    const broken = await post(listener, '{"jsonrpc":');
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body)).toMatchObject({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700 },
    });
    const batch = await post(listener, '[{"jsonrpc":"2.0","id":1,"method":"x"}]');
    expect(batch.status).toBe(400);
    expect(JSON.parse(batch.body)).toMatchObject({ id: null, error: { code: -32600 } });
  });

  it('answers 413 to a body over the limit, 401 without the token, 405 to GET /', async () => {
    const { listener } = await serve({ maxBodyBytes: 64, token: 't0ken' });
    const auth = { ...CLIENT_HEADERS, authorization: 'Bearer t0ken' };
    const big = await post(
      listener,
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'x', params: 'y'.repeat(100) }),
      auth,
    );
    expect(big.status).toBe(413);
    const unauthorized = await post(listener, '{"jsonrpc":"2.0","method":"x"}', {
      ...CLIENT_HEADERS,
      authorization: 'Bearer wrong',
    });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers['www-authenticate']).toBe('Bearer');
    expect(unauthorized.body).toBe(
      '{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Unauthorized: a valid bearer token is required"}}',
    );
    expect((await post(listener, '{"jsonrpc":"2.0","method":"x"}', auth)).status).toBe(202);
    const get = await rawRequest(listener.url, { method: 'GET', headers: { host: '127.0.0.1' } });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });
});

describe('server sessions', () => {
  it('returns Stepflow-Session-Id on initialize, requires it, and ends it on DELETE', async () => {
    const { handler, listener, inbox } = await serve({ sessions: true });
    const opening = post(listener, '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}');
    await inbox.next();
    await handler.transport.send({ jsonrpc: '2.0', id: 1, result: { server_protocol_version: 1 } });
    const opened = await opening;
    const session = opened.headers['stepflow-session-id'] as string;
    expect(session).toMatch(/^[0-9a-f-]{36}$/);
    const withSession = { ...CLIENT_HEADERS, 'stepflow-session-id': session };
    expect(
      (await post(listener, '{"jsonrpc":"2.0","method":"initialized"}', withSession)).status,
    ).toBe(202);
    const missing = await post(listener, '{"jsonrpc":"2.0","method":"initialized"}');
    expect(missing.status).toBe(400);
    const ended = await rawRequest(listener.url, { method: 'DELETE', headers: withSession });
    expect(ended.status).toBe(204);
    const after = await post(listener, '{"jsonrpc":"2.0","method":"initialized"}', withSession);
    expect(after.status).toBe(404);
    expect(after.body).toBe(
      `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Session '${session}' is unknown or expired; send 'initialize' to open a new one"}}`,
    );
    expect(
      (await rawRequest(listener.url, { method: 'DELETE', headers: withSession })).status,
    ).toBe(404);
  });
});

describe('client wire format', () => {
  interface Recorded {
    readonly method: string | undefined;
    readonly url: string | undefined;
    readonly headers: IncomingHttpHeaders;
    readonly body: string;
    readonly res: ServerResponse;
  }

  async function recordingServer(): Promise<{ url: string; requests: Inbox<Recorded> }> {
    const requests = new Inbox<Recorded>();
    const server: Server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () =>
        requests.push({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          res,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/rpc?v=1`, requests };
  }

  it('POSTs to exactly the URL with the reference headers and echoes the instance id on callback responses', async () => {
    const { url, requests } = await recordingServer();
    const client = createHttpClientTransport({ url, headers: { 'X-Extra': 'yes' } });
    const inbox = new Inbox();
    const errors = new Inbox<Error>();
    client.onmessage = inbox.push;
    client.onerror = errors.push;
    cleanups.push(() => client.close());
    await client.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'components/execute',
      params: { component: '/x', input: { a: 1 } },
    });
    const first = await requests.next();
    expect(first.method).toBe('POST');
    expect(first.url).toBe('/rpc?v=1');
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.headers.accept).toBe('application/json, text/event-stream');
    expect(first.headers['x-extra']).toBe('yes');
    expect(first.body).toBe(
      '{"jsonrpc":"2.0","id":1,"method":"components/execute","params":{"component":"/x","input":{"a":1}}}',
    );
    first.res.writeHead(200, {
      'content-type': 'text/event-stream',
      'stepflow-instance-id': 'inst-7',
    });
    // A comment, an unparsable event, an `event:` line with CRLF endings, then a callback.
    first.res.write(': keep-alive\n\ndata: not json\n\n');
    first.res.write(
      'event: message\r\ndata: {"jsonrpc":"2.0","id":"cb","method":"blobs/get","params":{"blob_id":"b"}}\r\n\r\n',
    );
    expect(await inbox.next()).toEqual({
      jsonrpc: '2.0',
      id: 'cb',
      method: 'blobs/get',
      params: { blob_id: 'b' },
    });
    expect((await errors.next()).message).toMatch(/not JSON: not json/);
    const sending = client.send({
      jsonrpc: '2.0',
      id: 'cb',
      result: { data: 1, blob_type: 'data' },
    });
    const callback = await requests.next();
    expect(callback.url).toBe('/rpc?v=1');
    expect(callback.headers['stepflow-instance-id']).toBe('inst-7');
    expect(callback.headers['content-type']).toBe('application/json');
    expect(callback.headers.accept).toBe('application/json, text/event-stream');
    expect(callback.body).toBe(
      '{"jsonrpc":"2.0","id":"cb","result":{"data":1,"blob_type":"data"}}',
    );
    callback.res.writeHead(202).end();
    await sending;
    first.res.end('data: {"jsonrpc":"2.0","id":1,"result":{"outcome":"success","result":2}}\n\n');
    expect(await inbox.next()).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: { outcome: 'success', result: 2 },
    });
  });

  it('reads SSE events split anywhere across chunks, with LF, CRLF or CR line ends', async () => {
    const { url, requests } = await recordingServer();
    const client = createHttpClientTransport({ url });
    const inbox = new Inbox();
    client.onmessage = inbox.push;
    cleanups.push(() => client.close());
    await client.send({ jsonrpc: '2.0', id: 1, method: 'm' });
    const recorded = await requests.next();
    recorded.res.writeHead(200, { 'content-type': 'text/event-stream' });
    const text =
      'data: {"jsonrpc":"2.0","method":"a"}\r\n\r\n' +
      'id: 7\rdata:{"jsonrpc":"2.0","method":"b"}\r\rdata: {"jsonrpc":"2.0","method":"c"}\n' +
      'data: ignored second line\n\n' +
      'data: {"jsonrpc":"2.0","id":1,"result":"é"}\n\n';
    // One byte per write: line ends, CRLF pairs and a multi-byte character all get split.
    for (const byte of Buffer.from(text)) recorded.res.write(Buffer.from([byte]));
    recorded.res.end();
    expect(await inbox.next()).toEqual({ jsonrpc: '2.0', method: 'a' });
    expect(await inbox.next()).toEqual({ jsonrpc: '2.0', method: 'b' });
    expect(await inbox.next()).toEqual({ jsonrpc: '2.0', method: 'c' });
    expect(await inbox.next()).toEqual({ jsonrpc: '2.0', id: 1, result: 'é' });
  });

  it('limits the size of one SSE event', async () => {
    const { url, requests } = await recordingServer();
    const client = createHttpClientTransport({ url, maxResponseBytes: 64 });
    const inbox = new Inbox();
    client.onmessage = inbox.push;
    cleanups.push(() => client.close());
    await client.send({ jsonrpc: '2.0', id: 1, method: 'm' });
    const recorded = await requests.next();
    recorded.res.writeHead(200, { 'content-type': 'text/event-stream' });
    recorded.res.write('data: {"jsonrpc":"2.0","method":"small"}\n\n');
    recorded.res.write(`data: ${'x'.repeat(100)}`);
    expect(await inbox.next()).toEqual({ jsonrpc: '2.0', method: 'small' });
    expect(await inbox.next()).toMatchObject({
      id: 1,
      error: {
        message: expect.stringMatching(/exceeds the maximum of 64 bytes/),
        data: { kind: 'response-too-large' },
      },
    });
    recorded.res.destroy();
  });

  it('turns a stream that ends without the response into an error response', async () => {
    const { url, requests } = await recordingServer();
    const client = createHttpClientTransport({ url });
    const inbox = new Inbox();
    client.onmessage = inbox.push;
    cleanups.push(() => client.close());
    await client.send({ jsonrpc: '2.0', id: 3, method: 'components/execute' });
    const recorded = await requests.next();
    recorded.res.writeHead(200, { 'content-type': 'text/event-stream' });
    recorded.res.end('data: {"jsonrpc":"2.0","method":"progress"}\n\n');
    expect(await inbox.next()).toEqual({ jsonrpc: '2.0', method: 'progress' });
    expect(await inbox.next()).toEqual({
      jsonrpc: '2.0',
      id: 3,
      error: {
        code: -32603,
        message: `SSE stream from ${url.replace('?v=1', '')}?v=1 ended before the response to request 3 ('components/execute')`,
        data: { transport: 'http', kind: 'stream-ended', url },
      },
    });
  });

  it('parses 4xx/5xx JSON-RPC bodies and reports other bodies clearly', async () => {
    const { url, requests } = await recordingServer();
    const client = createHttpClientTransport({ url });
    const inbox = new Inbox();
    client.onmessage = inbox.push;
    cleanups.push(() => client.close());
    await client.send({ jsonrpc: '2.0', id: 1, method: 'm' });
    (await requests.next()).res
      .writeHead(500, { 'content-type': 'application/json' })
      .end('{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"Internal error: x"}}');
    expect(await inbox.next()).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32603, message: 'Internal error: x' },
    });
    await client.send({ jsonrpc: '2.0', id: 2, method: 'm' });
    (await requests.next()).res
      .writeHead(502, { 'content-type': 'text/html' })
      .end('<h1>Bad Gateway</h1>');
    expect(await inbox.next()).toEqual({
      jsonrpc: '2.0',
      id: 2,
      error: {
        code: -32603,
        message: `POST ${url} ('m', request 2) was answered 502 with a body that is not JSON: <h1>Bad Gateway</h1>`,
        data: { transport: 'http', kind: 'unexpected-status', url, status: 502 },
      },
    });
  });

  it('requires 202 for notifications and posted responses', async () => {
    const { url, requests } = await recordingServer();
    const client = createHttpClientTransport({ url });
    cleanups.push(() => client.close());
    const notifying = client.send({ jsonrpc: '2.0', method: 'initialized' });
    const recorded = await requests.next();
    expect(recorded.body).toBe('{"jsonrpc":"2.0","method":"initialized"}');
    expect(recorded.headers['stepflow-instance-id']).toBeUndefined();
    recorded.res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    await expect(notifying).rejects.toThrow(
      `POST ${url} of notification 'initialized' was answered 200, expected 202: {}`,
    );
  });
});

interface OpenStream {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  next(): Promise<string>;
  end(): Promise<string>;
}

/** POSTs and returns once the response head arrived; chunks are then read one at a time. */
function openStream(listener: HttpListener, body: string): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      listener.url,
      {
        method: 'POST',
        headers: { ...CLIENT_HEADERS, 'content-length': String(Buffer.byteLength(body)) },
        agent: false,
      },
      (res) => {
        const chunks = new Inbox<string>();
        res.setEncoding('utf8');
        res.on('data', chunks.push);
        const ended = new Promise<void>((done) => res.on('end', done));
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          next: () => chunks.next(),
          end: async () => {
            await ended;
            let rest = '';
            while (chunks.size > 0) rest += await chunks.next();
            return rest;
          },
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
