import type { JsonRpcMessage, Transport, TransportCloseInfo } from '@stepflow/jsonrpc';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Inbox, unusedPort } from '../test/helpers.ts';
import {
  HTTP_TRANSPORT_ERROR_CODE,
  HttpTransportError,
  createHttpClientTransport,
  createStreamableHttpHandler,
  listenHttp,
} from './index.ts';
import type {
  HttpClientTransport,
  HttpClientTransportOptions,
  HttpListener,
  StreamableHttpHandlerOptions,
} from './index.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  readonly listener: HttpListener;
  readonly server: Transport;
  readonly serverInbox: Inbox;
  readonly client: HttpClientTransport;
  readonly clientInbox: Inbox;
  readonly clientErrors: Inbox<Error>;
}

async function setup(
  serverOptions: StreamableHttpHandlerOptions = {},
  clientOptions: Partial<HttpClientTransportOptions> = {},
): Promise<Setup> {
  const handler = createStreamableHttpHandler(serverOptions);
  const serverInbox = new Inbox();
  handler.transport.onmessage = serverInbox.push;
  await handler.transport.start();
  const listener = await listenHttp(handler);
  const client = createHttpClientTransport({ url: listener.url, ...clientOptions });
  const clientInbox = new Inbox();
  const clientErrors = new Inbox<Error>();
  client.onmessage = clientInbox.push;
  client.onerror = clientErrors.push;
  await client.start();
  cleanups.push(async () => {
    await client.close();
    await handler.transport.close();
    await listener.close();
  });
  return { listener, server: handler.transport, serverInbox, client, clientInbox, clientErrors };
}

/**
 * Puts the client's deadlines under the test's control: from here on a timeout passes only when
 * the test calls `vi.advanceTimersByTimeAsync`, never because a loaded machine was slow (a real
 * 50 ms deadline can pass before the request even reaches the server). Only `setTimeout` and
 * `clearTimeout` are faked, so sockets and the server run as usual.
 */
function controlTimers(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  cleanups.push(async () => {
    vi.useRealTimers();
  });
}

const request = (
  id: number | string,
  method = 'echo',
  params: unknown = { n: id },
): JsonRpcMessage => ({
  jsonrpc: '2.0',
  id,
  method,
  params,
});

describe('streamable HTTP round trips', () => {
  it('answers a request with plain JSON when the response comes first', async () => {
    const { server, serverInbox, client, clientInbox } = await setup();
    await client.send(request(1));
    expect(await serverInbox.next()).toEqual(request(1));
    await server.send({ jsonrpc: '2.0', id: 1, result: { ok: true } }, { relatedRequestId: 1 });
    expect(await clientInbox.next()).toEqual({ jsonrpc: '2.0', id: 1, result: { ok: true } });
  });

  it('streams interleaved callbacks over SSE and posts their responses back', async () => {
    const { server, serverInbox, client, clientInbox } = await setup();
    await client.send(request(7, 'components/execute'));
    await serverInbox.next();
    await server.send(
      { jsonrpc: '2.0', id: 'cb-1', method: 'blobs/put', params: { data: 1 } },
      { relatedRequestId: 7 },
    );
    await server.send({ jsonrpc: '2.0', method: 'log', params: 'hello' }, { relatedRequestId: 7 });
    await server.send(
      { jsonrpc: '2.0', id: 'cb-2', method: 'blobs/get', params: {} },
      { relatedRequestId: 7 },
    );
    expect(await clientInbox.next()).toEqual({
      jsonrpc: '2.0',
      id: 'cb-1',
      method: 'blobs/put',
      params: { data: 1 },
    });
    expect(await clientInbox.next()).toEqual({ jsonrpc: '2.0', method: 'log', params: 'hello' });
    expect(await clientInbox.next()).toMatchObject({ id: 'cb-2', method: 'blobs/get' });
    // Answer the callbacks out of order.
    await client.send({ jsonrpc: '2.0', id: 'cb-2', result: 'second' });
    await client.send({ jsonrpc: '2.0', id: 'cb-1', result: 'first' });
    expect(await serverInbox.next()).toEqual({ jsonrpc: '2.0', id: 'cb-2', result: 'second' });
    expect(await serverInbox.next()).toEqual({ jsonrpc: '2.0', id: 'cb-1', result: 'first' });
    await server.send({ jsonrpc: '2.0', id: 7, result: 'done' }, { relatedRequestId: 7 });
    expect(await clientInbox.next()).toEqual({ jsonrpc: '2.0', id: 7, result: 'done' });
  });

  it('keeps concurrent exchanges apart, also when two clients reuse an id', async () => {
    const { listener, server, serverInbox, client, clientInbox } = await setup();
    const other = createHttpClientTransport({ url: listener.url });
    const otherInbox = new Inbox();
    other.onmessage = otherInbox.push;
    cleanups.push(() => other.close());
    await client.send(request(1, 'echo', 'a'));
    const first = (await serverInbox.next()) as { id: number | string };
    await other.send(request(1, 'echo', 'b'));
    const second = (await serverInbox.next()) as { id: number | string; params: unknown };
    expect(second.params).toBe('b');
    expect(second.id).not.toEqual(first.id);
    await server.send(
      { jsonrpc: '2.0', id: second.id, result: 'for b' },
      { relatedRequestId: second.id },
    );
    await server.send(
      { jsonrpc: '2.0', id: first.id, result: 'for a' },
      { relatedRequestId: first.id },
    );
    expect(await otherInbox.next()).toEqual({ jsonrpc: '2.0', id: 1, result: 'for b' });
    expect(await clientInbox.next()).toEqual({ jsonrpc: '2.0', id: 1, result: 'for a' });
  });

  it('delivers notifications and returns error responses with the HTTP status the reference uses', async () => {
    const { server, serverInbox, client, clientInbox } = await setup();
    await client.send({ jsonrpc: '2.0', method: 'initialized' });
    expect(await serverInbox.next()).toEqual({ jsonrpc: '2.0', method: 'initialized' });
    await client.send(request(2));
    await serverInbox.next();
    await server.send({
      jsonrpc: '2.0',
      id: 2,
      error: { code: -32001, message: 'nope', data: { x: 1 } },
    });
    expect(await clientInbox.next()).toEqual({
      jsonrpc: '2.0',
      id: 2,
      error: { code: -32001, message: 'nope', data: { x: 1 } },
    });
  });

  it('rejects sends the server transport cannot route', async () => {
    const { server, serverInbox, client } = await setup();
    await expect(server.send(request('x'))).rejects.toThrow(/relatedRequestId/);
    await expect(server.send(request('x'), { relatedRequestId: 99 })).rejects.toThrow(
      /no longer open/,
    );
    await expect(server.send({ jsonrpc: '2.0', id: 42, result: null })).rejects.toThrow(
      /no open HTTP request with id 42/,
    );
    // Notifications without a request to ride on are dropped.
    await expect(server.send({ jsonrpc: '2.0', method: 'log' })).resolves.toBeUndefined();
    await client.send(request(3));
    await serverInbox.next();
    await server.send({ jsonrpc: '2.0', id: 3, result: null });
  });
});

describe('streamable HTTP faults', () => {
  it('answers a request with a clear error when the server is down, after the configured retries', async () => {
    const port = await unusedPort();
    const client = createHttpClientTransport({
      url: `http://127.0.0.1:${port}/`,
      retry: { attempts: 2, initialDelayMs: 1 },
    });
    cleanups.push(() => client.close());
    const inbox = new Inbox();
    const errors = new Inbox<Error>();
    client.onmessage = inbox.push;
    client.onerror = errors.push;
    await client.send(request(1, 'initialize'));
    const answer = (await inbox.next()) as {
      id: number;
      error: { code: number; message: string; data: Record<string, unknown> };
    };
    expect(answer.id).toBe(1);
    expect(answer.error.code).toBe(HTTP_TRANSPORT_ERROR_CODE);
    expect(answer.error.message).toMatch(
      new RegExp(
        `cannot reach the component server at http://127.0.0.1:${port}/: .*ECONNREFUSED.*\\(3 attempts\\)`,
      ),
    );
    expect(answer.error.data).toEqual({
      transport: 'http',
      kind: 'unreachable',
      url: `http://127.0.0.1:${port}/`,
    });
    expect(errors.size).toBe(2);
    expect((await errors.next()).message).toMatch(/retry 1 of 2/);
  });

  it('connects once the server comes up during the retries', async () => {
    const port = await unusedPort();
    const handler = createStreamableHttpHandler();
    const serverInbox = new Inbox();
    handler.transport.onmessage = serverInbox.push;
    await handler.transport.start();
    const client = createHttpClientTransport({
      url: `http://127.0.0.1:${port}/`,
      retry: { attempts: 1, initialDelayMs: 20 },
    });
    const inbox = new Inbox();
    const errors = new Inbox<Error>();
    client.onmessage = inbox.push;
    client.onerror = errors.push;
    cleanups.push(() => client.close());
    controlTimers();
    await client.send(request(1));
    // The first attempt was refused and the retry waits: the server comes up before it is due.
    expect((await errors.next()).message).toMatch(/retry 1 of 1 in 20 ms/);
    const listener = await listenHttp(handler, { port });
    cleanups.push(() => listener.close());
    await vi.advanceTimersByTimeAsync(20);
    expect(await serverInbox.next()).toEqual(request(1));
    await handler.transport.send({ jsonrpc: '2.0', id: 1, result: 'up' });
    expect(await inbox.next()).toEqual({ jsonrpc: '2.0', id: 1, result: 'up' });
  });

  it('times out a slow SSE stream', async () => {
    const { server, serverInbox, client, clientInbox } = await setup({}, { timeoutMs: 100 });
    controlTimers();
    await client.send(request(1));
    await serverInbox.next();
    await server.send(request('cb'), { relatedRequestId: 1 });
    expect(await clientInbox.next()).toMatchObject({ id: 'cb' });
    await vi.advanceTimersByTimeAsync(99);
    expect(clientInbox.size).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    const answer = (await clientInbox.next()) as {
      id: number;
      error: { message: string; data: { kind: string } };
    };
    expect(answer.id).toBe(1);
    expect(answer.error.data.kind).toBe('timeout');
    expect(answer.error.message).toMatch(/no response from .* within 100 ms/);
  });

  it('times out a request that gets no answer at all', async () => {
    const { serverInbox, client, clientInbox } = await setup({}, { timeoutMs: 50 });
    controlTimers();
    await client.send(request(5));
    await serverInbox.next();
    await vi.advanceTimersByTimeAsync(49);
    expect(clientInbox.size).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(await clientInbox.next()).toMatchObject({ id: 5, error: { data: { kind: 'timeout' } } });
  });

  it('rejects an oversized request body with 413', async () => {
    const { serverInbox, client, clientInbox } = await setup({ maxBodyBytes: 100 });
    await client.send(request(1, 'echo', 'x'.repeat(200)));
    const answer = (await clientInbox.next()) as {
      id: number;
      error: { code: number; message: string };
    };
    expect(answer).toMatchObject({ id: 1, error: { code: -32600 } });
    expect(answer.error.message).toMatch(/Payload Too Large/);
    expect(serverInbox.size).toBe(0);
  });

  it('rejects an oversized response', async () => {
    const { server, serverInbox, client, clientInbox } = await setup({}, { maxResponseBytes: 100 });
    await client.send(request(1));
    await serverInbox.next();
    await server.send({ jsonrpc: '2.0', id: 1, result: 'y'.repeat(200) });
    expect(await clientInbox.next()).toMatchObject({
      id: 1,
      error: { data: { kind: 'response-too-large' } },
    });
  });

  it('answers 401 without the bearer token and accepts it from the configured headers', async () => {
    const { listener, server, serverInbox, client, clientInbox } = await setup({ token: 's3cret' });
    await client.send(request(1));
    expect(await clientInbox.next()).toMatchObject({
      id: 1,
      error: {
        message: 'Unauthorized: a valid bearer token is required',
        data: { transport: 'http', status: 401 },
      },
    });
    const authorized = createHttpClientTransport({
      url: listener.url,
      headers: { Authorization: 'Bearer s3cret' },
    });
    const inbox = new Inbox();
    authorized.onmessage = inbox.push;
    cleanups.push(() => authorized.close());
    await authorized.send(request(2));
    await serverInbox.next();
    await server.send({ jsonrpc: '2.0', id: 2, result: 'ok' });
    expect(await inbox.next()).toEqual({ jsonrpc: '2.0', id: 2, result: 'ok' });
    await expect(client.send({ jsonrpc: '2.0', method: 'initialized' })).rejects.toThrow(
      /answered 401, expected 202/,
    );
  });

  it('rejects a Host that is not allowed with 403 (through a client that names another host)', async () => {
    const { listener, clientInbox } = await setup({ allowedHosts: ['component.internal'] });
    const client = createHttpClientTransport({ url: listener.url });
    const inbox = new Inbox();
    client.onmessage = inbox.push;
    cleanups.push(() => client.close());
    await client.send(request(1));
    expect(await inbox.next()).toMatchObject({
      id: 1,
      error: { message: "Host '127.0.0.1:" + listener.port + "' is not allowed" },
    });
    expect(clientInbox.size).toBe(0);
  });

  it('rejects a request pending on a server that is killed mid-request', async () => {
    const { listener, server, serverInbox, client, clientInbox } = await setup();
    await client.send(request(1));
    await serverInbox.next();
    await server.send(request('cb'), { relatedRequestId: 1 });
    expect(await clientInbox.next()).toMatchObject({ id: 'cb' });
    await client.send(request(2));
    await serverInbox.next();
    await listener.close();
    const answers = [await clientInbox.next(), await clientInbox.next()] as {
      id: number;
      error: { code: number; data: { kind: string } };
    }[];
    answers.sort((a, b) => a.id - b.id);
    expect(answers.map((a) => a.id)).toEqual([1, 2]);
    for (const answer of answers) {
      expect(answer.error.code).toBe(HTTP_TRANSPORT_ERROR_CODE);
      expect(['stream-ended', 'connection-lost']).toContain(answer.error.data.kind);
    }
  });

  it('answers open exchanges when the server transport closes', async () => {
    const { server, serverInbox, client, clientInbox } = await setup();
    await client.send(request(1));
    await serverInbox.next();
    await client.send(request(2));
    await serverInbox.next();
    await server.send(request('cb'), { relatedRequestId: 2 });
    expect(await clientInbox.next()).toMatchObject({ id: 'cb' });
    await server.close();
    const answers = [await clientInbox.next(), await clientInbox.next()];
    expect(answers).toContainEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32603, message: 'Server is shutting down' },
    });
    expect(answers).toContainEqual({
      jsonrpc: '2.0',
      id: 2,
      error: { code: -32603, message: 'Server is shutting down' },
    });
    await expect(server.send({ jsonrpc: '2.0', method: 'x' })).rejects.toThrow(/closed/);
  });

  it('refuses to send after close and closes once', async () => {
    const client = createHttpClientTransport({ url: 'http://127.0.0.1:1/' });
    let closes = 0;
    client.onclose = () => closes++;
    await client.close();
    await client.close();
    expect(closes).toBe(1);
    const error = await client.send(request(1)).catch((e: unknown) => e);
    expect(HttpTransportError.isInstance(error) && error.code).toBe('closed');
    expect(() => createHttpClientTransport({ url: 'ftp://x/' })).toThrow(/must be http: or https:/);
  });
});

describe('streamable HTTP sessions', () => {
  it('returns a session on initialize, requires it afterwards, and reports an expired one', async () => {
    let now = 1_000;
    const { server, serverInbox, client, clientInbox } = await setup({
      sessions: { idleTimeoutMs: 500 },
      now: () => now,
    });
    await client.send({ jsonrpc: '2.0', method: 'initialized' }).catch((e: unknown) => e);
    await client.send(request(1, 'initialize'));
    await serverInbox.next();
    await server.send({ jsonrpc: '2.0', id: 1, result: {} });
    await clientInbox.next();
    const session = client.sessionId;
    expect(session).toMatch(/^[0-9a-f-]{36}$/);
    await client.send({ jsonrpc: '2.0', method: 'initialized' });
    expect(await serverInbox.next()).toEqual({ jsonrpc: '2.0', method: 'initialized' });
    now += 1_000;
    await client.send(request(2));
    const answer = (await clientInbox.next()) as {
      id: number;
      error: { message: string; data: { kind: string } };
    };
    expect(answer.id).toBe(2);
    expect(answer.error.data.kind).toBe('session-expired');
    expect(answer.error.message).toContain(`session '${session}' is unknown to or expired`);
    expect(client.sessionId).toBeUndefined();
  });

  it('rejects a request without a session before initialize', async () => {
    const { client, clientInbox } = await setup({ sessions: true });
    await client.send(request(1));
    expect(await clientInbox.next()).toMatchObject({
      id: 1,
      error: { message: expect.stringMatching(/missing Stepflow-Session-Id/) },
    });
  });
});

describe('closeOnServerLoss', () => {
  it('closes the transport with the cause when the server cannot be reached', async () => {
    const port = await unusedPort();
    const client = createHttpClientTransport({
      url: `http://127.0.0.1:${port}/`,
      retry: { attempts: 0 },
      closeOnServerLoss: true,
    });
    const inbox = new Inbox();
    const closed = new Inbox<TransportCloseInfo>();
    client.onmessage = inbox.push;
    client.onclose = closed.push;
    await client.send(request(1));
    const info = await closed.next();
    expect(HttpTransportError.isInstance(info.error) && info.error.code).toBe('unreachable');
    expect(info.error?.message).toMatch(/cannot reach the component server at .*\(1 attempt\)/);
    expect(inbox.size).toBe(0);
  });

  it('closes the transport when the session expired, so the owner initializes anew', async () => {
    let now = 0;
    const { listener, server, serverInbox } = await setup({
      sessions: { idleTimeoutMs: 10 },
      now: () => now,
    });
    const client = createHttpClientTransport({ url: listener.url, closeOnServerLoss: true });
    const inbox = new Inbox();
    const closed = new Inbox<TransportCloseInfo>();
    client.onmessage = inbox.push;
    client.onclose = closed.push;
    cleanups.push(() => client.close());
    await client.send(request(1, 'initialize'));
    await serverInbox.next();
    await server.send({ jsonrpc: '2.0', id: 1, result: {} });
    await inbox.next();
    now = 1_000;
    await client.send(request(2));
    const info = await closed.next();
    expect(HttpTransportError.isInstance(info.error) && info.error.code).toBe('session-expired');
  });

  it('closes the transport when a stream ends early, but answers a timeout as before', async () => {
    const { listener, server, serverInbox } = await setup();
    const client = createHttpClientTransport({
      url: listener.url,
      closeOnServerLoss: true,
      timeoutMs: 100,
    });
    const inbox = new Inbox();
    const closed = new Inbox<TransportCloseInfo>();
    client.onmessage = inbox.push;
    client.onclose = closed.push;
    cleanups.push(() => client.close());
    controlTimers();
    await client.send(request(1));
    await serverInbox.next();
    await vi.advanceTimersByTimeAsync(100);
    expect(await inbox.next()).toMatchObject({ id: 1, error: { data: { kind: 'timeout' } } });
    await client.send(request(2));
    await serverInbox.next();
    await server.send(request('cb'), { relatedRequestId: 2 });
    expect(await inbox.next()).toMatchObject({ id: 'cb' });
    await listener.close();
    const info = await closed.next();
    expect(['stream-ended', 'connection-lost']).toContain((info.error as HttpTransportError).code);
  });
});
