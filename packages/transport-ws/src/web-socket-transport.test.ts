import { request as httpRequest } from 'node:http';
import type { JsonRpcMessage, TransportCloseInfo } from '@stepflow/jsonrpc';
import { Inbox, unusedPort } from '@stepflow/transport-http/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import {
  WEB_SOCKET_TRANSPORT_ERROR_CODE,
  WebSocketTransportError,
  createWebSocketClientTransport,
  listenWebSocket,
} from './index.ts';
import type {
  ListenWebSocketOptions,
  WebSocketClientTransport,
  WebSocketClientTransportOptions,
  WebSocketListener,
  WebSocketServerTransport,
} from './index.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Server {
  readonly listener: WebSocketListener;
  readonly connections: Inbox<{
    transport: WebSocketServerTransport;
    inbox: Inbox;
    closed: Inbox<TransportCloseInfo>;
  }>;
}

async function serve(
  options: Partial<ListenWebSocketOptions> = {},
  autoStart = true,
): Promise<Server> {
  const connections: Server['connections'] = new Inbox();
  const listener = await listenWebSocket({
    ...options,
    onConnection: (transport) => {
      const inbox = new Inbox();
      const closed = new Inbox<TransportCloseInfo>();
      transport.onmessage = inbox.push;
      transport.onerror = () => undefined;
      transport.onclose = closed.push;
      if (autoStart) void transport.start();
      connections.push({ transport, inbox, closed });
    },
  });
  cleanups.push(() => listener.close());
  return { listener, connections };
}

async function rawServer(options: { autoPong?: boolean }): Promise<WebSocketServer> {
  const raw = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  await new Promise((resolve) => raw.once('listening', resolve));
  cleanups.push(() => new Promise((resolve) => raw.close(() => resolve())));
  return raw;
}

interface Client {
  readonly transport: WebSocketClientTransport;
  readonly inbox: Inbox;
  readonly errors: Inbox<Error>;
  readonly closed: Inbox<TransportCloseInfo>;
}

function client(url: string, options: Partial<WebSocketClientTransportOptions> = {}): Client {
  const transport = createWebSocketClientTransport({ url, ...options });
  const inbox = new Inbox();
  const errors = new Inbox<Error>();
  const closed = new Inbox<TransportCloseInfo>();
  transport.onmessage = inbox.push;
  transport.onerror = errors.push;
  transport.onclose = closed.push;
  cleanups.push(() => transport.close());
  return { transport, inbox, errors, closed };
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

describe('WebSocket round trips', () => {
  it('carries messages both ways on one socket, one per text frame', async () => {
    const { listener, connections } = await serve();
    const c = client(listener.url);
    await c.transport.start();
    await c.transport.send(request(1, 'components/execute'));
    const server = await connections.next();
    expect(await server.inbox.next()).toEqual(request(1, 'components/execute'));
    await server.transport.send(request('cb', 'blobs/put'));
    expect(await c.inbox.next()).toEqual(request('cb', 'blobs/put'));
    await c.transport.send({ jsonrpc: '2.0', id: 'cb', result: { blob_id: 'x' } });
    expect(await server.inbox.next()).toEqual({
      jsonrpc: '2.0',
      id: 'cb',
      result: { blob_id: 'x' },
    });
    await server.transport.send({ jsonrpc: '2.0', method: 'log', params: 1 });
    await server.transport.send({ jsonrpc: '2.0', id: 1, result: 'done' });
    expect(await c.inbox.next()).toEqual({ jsonrpc: '2.0', method: 'log', params: 1 });
    expect(await c.inbox.next()).toEqual({ jsonrpc: '2.0', id: 1, result: 'done' });
  });

  it('holds frames until the server transport is started', async () => {
    const { listener, connections } = await serve({}, false);
    const c = client(listener.url);
    await c.transport.start();
    await c.transport.send(request(1));
    await c.transport.send(request(2));
    const server = await connections.next();
    expect(server.inbox.size).toBe(0);
    await server.transport.start();
    expect(await server.inbox.next()).toEqual(request(1));
    expect(await server.inbox.next()).toEqual(request(2));
  });

  it('reports frames that are not JSON or binary and stays up', async () => {
    const raw = await rawServer({});
    raw.on('connection', (ws) => {
      ws.send('not json');
      ws.send(Buffer.from([1, 2, 3]), { binary: true });
      ws.send('{"jsonrpc":"2.0","method":"ok"}');
    });
    const c = client(`ws://127.0.0.1:${(raw.address() as { port: number }).port}/`);
    await c.transport.start();
    expect(await c.inbox.next()).toEqual({ jsonrpc: '2.0', method: 'ok' });
    expect((await c.errors.next()).message).toMatch(/dropped a frame that is not JSON: not json/);
    expect((await c.errors.next()).message).toMatch(/dropped a binary frame/);
  });

  it('serves GET /health on the same port', async () => {
    const { listener } = await serve({ service: 'svc', instanceId: 'inst' });
    const body = await new Promise<string>((resolve, reject) => {
      httpRequest(`http://127.0.0.1:${listener.port}/health`, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    expect(JSON.parse(body)).toMatchObject({
      status: 'healthy',
      instanceId: 'inst',
      service: 'svc',
    });
  });

  it('guards plain HTTP requests: Host and Origin everywhere, the token except on /health', async () => {
    const { listener } = await serve({ token: 'secret' });
    const get = (path: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; headers: Record<string, unknown>; body: unknown }>(
        (resolve, reject) => {
          httpRequest(`http://127.0.0.1:${listener.port}${path}`, { headers }, (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString()));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: JSON.parse(text),
              }),
            );
          })
            .on('error', reject)
            .end();
        },
      );
    const refusal = (message: string) => ({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message },
    });
    expect((await get('/health')).status).toBe(200);
    expect(await get('/health', { host: 'evil.example' })).toMatchObject({
      status: 403,
      body: refusal("Host 'evil.example' is not allowed"),
    });
    expect(await get('/health', { origin: 'http://evil.example' })).toMatchObject({
      status: 403,
      body: refusal("Origin 'http://evil.example' is not allowed"),
    });
    expect(await get('/')).toMatchObject({
      status: 401,
      headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' },
      body: refusal('Unauthorized: a valid bearer token is required'),
    });
    expect((await get('/', { authorization: 'Bearer secret' })).status).toBe(426);
  });
});

describe('WebSocket faults', () => {
  it('fails start with a clear error after the configured retries when the server is down', async () => {
    const port = await unusedPort();
    const c = client(`ws://127.0.0.1:${port}/`, { retry: { attempts: 2, initialDelayMs: 1 } });
    const error = await c.transport.start().catch((e: unknown) => e);
    expect(WebSocketTransportError.isInstance(error) && error.code).toBe('unreachable');
    expect((error as Error).message).toMatch(
      new RegExp(
        `cannot connect to the component server at ws://127.0.0.1:${port}/: .*ECONNREFUSED.*\\(3 attempts\\)`,
      ),
    );
    expect(c.errors.size).toBe(2);
    expect((await c.closed.next()).error).toBe(error);
    await expect(c.transport.send(request(1))).rejects.toThrow(/closed/);
  });

  it('answers requests lost with a dropped socket, then reconnects', async () => {
    const { listener, connections } = await serve();
    const c = client(listener.url, { retry: { attempts: 20, initialDelayMs: 5 } });
    const reconnected = new Inbox<true>();
    c.transport.onreconnect = () => reconnected.push(true);
    await c.transport.start();
    await c.transport.send(request(1));
    const first = await connections.next();
    await first.inbox.next();
    await first.transport.close();
    expect(await c.inbox.next()).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: {
        code: WEB_SOCKET_TRANSPORT_ERROR_CODE,
        message: `connection to ${listener.url} lost before the response to request 1: the server at ${listener.url} closed the connection`,
        data: { transport: 'websocket', kind: 'connection-lost', url: listener.url },
      },
    });
    await reconnected.next();
    await c.transport.send(request(2));
    const second = await connections.next();
    expect(await second.inbox.next()).toEqual(request(2));
  });

  it('closes at once when the server is killed and reconnection is off', async () => {
    const { listener, connections } = await serve();
    const c = client(listener.url, { reconnect: false });
    await c.transport.start();
    await c.transport.send(request(1));
    await (await connections.next()).inbox.next();
    await listener.close();
    const info = await c.closed.next();
    // No made-up answers: the peer rejects what is pending when the transport closes.
    expect(c.inbox.size).toBe(0);
    expect(info.error?.message).toMatch(
      /closed with code 1001 \(server shutting down\)|closed the connection/,
    );
  });

  it('closes with an error when reconnection runs out of attempts', async () => {
    const { listener, connections } = await serve();
    const c = client(listener.url, { retry: { attempts: 1, initialDelayMs: 1 } });
    await c.transport.start();
    await connections.next();
    await listener.close();
    const info = await c.closed.next();
    expect(WebSocketTransportError.isInstance(info.error) && info.error.code).toBe('unreachable');
  });

  it('bounds buffering when the server does not read', async () => {
    const { listener, connections } = await serve({}, false);
    const c = client(listener.url, { highWaterMarkBytes: 256 * 1024 });
    await c.transport.start();
    const payload = 'x'.repeat(64 * 1024);
    let resolved = 0;
    const sends = Array.from({ length: 200 }, (_, i) =>
      c.transport.send(request(i, 'bulk', payload)).then(() => void resolved++),
    );
    await Promise.resolve();
    // No socket write has been flushed yet: only what fits under the high-water mark went out.
    expect(resolved).toBeLessThanOrEqual(5);
    expect(c.transport.bufferedAmount).toBeGreaterThan(200 * 64 * 1024);
    const server = await connections.next();
    await server.transport.start();
    await Promise.all(sends);
    for (let i = 0; i < 200; i++)
      expect(((await server.inbox.next()) as { id: number }).id).toBe(i);
  });

  it('rejects outgoing messages over the limit and closes connections that receive one', async () => {
    const { listener, connections } = await serve({ maxPayloadBytes: 1000 });
    const small = client(listener.url, { maxMessageBytes: 500 });
    await small.transport.start();
    const error = await small.transport
      .send(request(1, 'x', 'y'.repeat(600)))
      .catch((e: unknown) => e);
    expect(WebSocketTransportError.isInstance(error) && error.code).toBe('message-too-large');
    expect((error as Error).message).toMatch(
      /a message of \d+ bytes exceeds the maximum of 500 bytes/,
    );
    const big = client(listener.url, { reconnect: false });
    await big.transport.start();
    await connections.next();
    const server = await connections.next();
    await big.transport.send(request(2, 'x', 'y'.repeat(2000)));
    expect((await server.closed.next()).error?.message).toMatch(/Max payload size exceeded/);
    expect((await big.closed.next()).error?.message).toMatch(/1009/);
  });

  it.each([
    ['a foreign Host', { headers: { host: 'evil.example' } }, {}, '403 Forbidden'],
    ['a browser Origin', { headers: { origin: 'http://evil.example' } }, {}, '403 Forbidden'],
    ['no token', {}, { token: 'secret' }, '401 Unauthorized'],
    ['a wrong path', { path: '/other' }, {}, '404 Not Found'],
  ])('refuses the upgrade with %s', async (_name, clientOptions, serverOptions, status) => {
    const { listener } = await serve(serverOptions);
    const { path, ...rest } = clientOptions as { path?: string; headers?: Record<string, string> };
    const c = client(path === undefined ? listener.url : listener.url.replace(/\/$/, path), rest);
    const error = await c.transport.start().catch((e: unknown) => e);
    expect(WebSocketTransportError.isInstance(error) && error.code).toBe('rejected');
    expect((error as Error).message).toBe(
      `the server at ${c.transport.url} refused the WebSocket upgrade: ${status}`,
    );
    // The status travels with the error so an owner can tell a refusal that retrying cannot fix.
    expect((error as WebSocketTransportError).status).toBe(Number(status.slice(0, 3)));
  });

  it('accepts the bearer token from the configured headers', async () => {
    const { listener, connections } = await serve({ token: 'secret' });
    const c = client(listener.url, { headers: { Authorization: 'Bearer secret' } });
    await c.transport.start();
    await c.transport.send(request(1));
    expect(await (await connections.next()).inbox.next()).toEqual(request(1));
  });

  it('drops a connection whose pings go unanswered', async () => {
    const raw = await rawServer({ autoPong: false });
    const sockets: WebSocket[] = [];
    raw.on('connection', (ws) => sockets.push(ws));
    cleanups.push(async () => sockets.forEach((ws) => ws.terminate()));
    const c = client(`ws://127.0.0.1:${(raw.address() as { port: number }).port}/`, {
      pingIntervalMs: 20,
      reconnect: false,
    });
    await c.transport.start();
    const info = await c.closed.next();
    expect(WebSocketTransportError.isInstance(info.error) && info.error.code).toBe(
      'keep-alive-timeout',
    );
  });

  it('validates the URL and refuses sends after close', async () => {
    expect(() => createWebSocketClientTransport({ url: 'http://x/' })).toThrow(
      /must be ws: or wss:/,
    );
    const { listener } = await serve();
    const c = client(listener.url);
    await c.transport.start();
    await c.transport.close();
    await c.transport.close();
    expect(await c.closed.next()).toEqual({});
    expect(c.closed.size).toBe(0);
    await expect(c.transport.send(request(1))).rejects.toThrow(/is closed/);
  });
});
