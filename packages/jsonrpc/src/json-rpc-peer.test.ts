import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  ConnectionClosedError,
  createJsonRpcPeer,
  JsonRpcError,
  JsonRpcErrorCode,
  MalformedMessageError,
  RequestCancelledError,
  RequestTimeoutError,
  type JsonRpcMessage,
  type JsonRpcPeer,
} from './index.ts';
import { createLinkedTransportPair } from './testing.ts';

type ClientMethods = {
  add: { params: { a: number; b: number }; result: number };
  echo: { params: unknown; result: unknown };
  work: { params: { blobs: number }; result: string[] };
  never: { params: undefined; result: never };
  log: { params: { line: string }; result: void };
};
type ServerMethods = {
  'blobs/put': { params: { data: unknown }; result: { id: string } };
  ping: { params: undefined; result: string };
  log: { params: { line: string }; result: void };
};

function pair(options: { onErrorA?: (e: Error) => void; onErrorB?: (e: Error) => void } = {}) {
  const [a, b] = createLinkedTransportPair();
  const client = createJsonRpcPeer<ClientMethods, ServerMethods>(a, {
    onError: options.onErrorA ?? ((e) => expect.fail(`client onError: ${e.message}`)),
  });
  const server = createJsonRpcPeer<ServerMethods, ClientMethods>(b, {
    onError: options.onErrorB ?? ((e) => expect.fail(`server onError: ${e.message}`)),
  });
  return { a, b, client, server };
}

/** A peer on `a` and the raw other end `b`, for feeding it hand-made input. */
async function rawPair(onError: (e: Error) => void) {
  const [a, b] = createLinkedTransportPair();
  const peer = createJsonRpcPeer(a, { onError });
  const received: unknown[] = [];
  let wake: (() => void) | undefined;
  b.onmessage = (m) => {
    received.push(m);
    wake?.();
  };
  await peer.start();
  await b.start();
  const next = async (): Promise<unknown> => {
    while (received.length === 0) await new Promise<void>((r) => (wake = r));
    return received.shift();
  };
  const sendRaw = (value: unknown) => b.send(value as JsonRpcMessage);
  return { peer, a, b, next, sendRaw };
}

/** Resolves once `fn` has been called `n` times. */
function counter(n: number) {
  let count = 0;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  return {
    done,
    hit: () => {
      count += 1;
      if (count === n) resolve();
    },
  };
}

describe('round trips', () => {
  it('answers requests in both directions on one connection', async () => {
    const { client, server } = pair();
    server.handleRequest('add', ({ a, b }) => a + b);
    client.handleRequest('ping', () => 'pong');
    await Promise.all([client.start(), server.start()]);

    await expect(client.request('add', { a: 2, b: 3 })).resolves.toBe(5);
    await expect(server.request('ping', undefined)).resolves.toBe('pong');
    await client.close();
  });

  it('answers `null` for a handler that returns nothing', async () => {
    const { client, server } = pair();
    server.handleRequest('log', () => undefined);
    await Promise.all([client.start(), server.start()]);
    await expect(client.request('log', { line: 'x' })).resolves.toBeNull();
    await client.close();
  });

  it('answers with what a returned thenable resolves to', async () => {
    const { client, server } = pair();
    server.handleRequest('echo', (params) => ({
      then: (resolve: (value: unknown) => void) => resolve({ wrapped: params }),
    }));
    await Promise.all([client.start(), server.start()]);
    await expect(client.request('echo', 7)).resolves.toEqual({ wrapped: 7 });
    await client.close();
  });

  it('keeps 1,000 concurrent requests apart', async () => {
    const { client, server } = pair();
    server.handleRequest('echo', async (params) => {
      await Promise.resolve();
      return params;
    });
    await Promise.all([client.start(), server.start()]);
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => client.request('echo', { i })),
    );
    expect(results).toEqual(Array.from({ length: 1000 }, (_, i) => ({ i })));
    await client.close();
  });

  it('lets a handler call back while its own request is pending, tagged with relatedRequestId', async () => {
    const { a, b, client, server } = pair();
    const store = new Map<string, unknown>();
    client.handleRequest('blobs/put', ({ data }) => {
      const id = `blob-${store.size}`;
      store.set(id, data);
      return { id };
    });
    server.handleRequest('work', async ({ blobs }, ctx) => {
      const ids: string[] = [];
      for (let i = 0; i < blobs; i++) {
        const { id } = await ctx.request('blobs/put', { data: { i } });
        ids.push(id);
      }
      const viaPeer = await ctx.peer.request('blobs/put', { data: 'last' });
      ids.push(viaPeer.id);
      return ids;
    });
    await Promise.all([client.start(), server.start()]);

    await expect(client.request('work', { blobs: 2 })).resolves.toEqual([
      'blob-0',
      'blob-1',
      'blob-2',
    ]);
    const workId = a.sent.find((s) => 'method' in s.message && s.message.method === 'work')!
      .message as { id: number };
    const fromServer = b.sent.map((s) => s.options?.relatedRequestId);
    // Three callbacks and the final response, all related to the client's `work` request.
    expect(fromServer).toEqual([workId.id, workId.id, workId.id, workId.id]);
    // The client's answers to the callbacks are related to the server's callback ids.
    const callbackIds = b.sent
      .filter((s) => 'method' in s.message)
      .map((s) => (s.message as { id: number }).id);
    expect(a.sent.slice(1).map((s) => s.options?.relatedRequestId)).toEqual(callbackIds);
    await client.close();
  });

  it('tags notifications sent from a handler with relatedRequestId', async () => {
    const { b, client, server } = pair();
    const logged = counter(1);
    client.handleNotification('log', () => logged.hit());
    server.handleRequest('echo', async (p, ctx) => {
      const { notify } = ctx; // works detached from the context too
      await notify('log', { line: 'working' });
      return p;
    });
    await Promise.all([client.start(), server.start()]);
    await client.request('echo', 'x');
    await logged.done;
    expect(
      b.sent.map((s) => [('method' in s.message && s.message.method) || 'response', s.options]),
    ).toEqual([
      ['log', { relatedRequestId: 1 }],
      ['response', { relatedRequestId: 1 }],
    ]);
    await client.close();
  });

  it('runs 1,000 concurrent requests that each call back into the caller', async () => {
    const { client, server } = pair();
    let puts = 0;
    client.handleRequest('blobs/put', () => ({ id: `b${puts++}` }));
    server.handleRequest('work', async (_params, { request, requestId }) => {
      const { id } = await request('blobs/put', { data: requestId });
      return [id];
    });
    await Promise.all([client.start(), server.start()]);
    const results = await Promise.all(
      Array.from({ length: 1000 }, () => client.request('work', { blobs: 1 })),
    );
    expect(new Set(results.map((r) => r[0])).size).toBe(1000);
    await client.close();
  });

  it('uses separate id spaces per direction without confusion', async () => {
    const { client, server } = pair();
    server.handleRequest('echo', (p) => ({ from: 'server', p }));
    client.handleRequest('ping', () => 'from client');
    await Promise.all([client.start(), server.start()]);
    // Both sides' first request has id 1; each response still reaches its own caller.
    const [x, y] = await Promise.all([
      client.request('echo', 1),
      server.request('ping', undefined),
    ]);
    expect(x).toEqual({ from: 'server', p: 1 });
    expect(y).toBe('from client');
    await client.close();
  });

  it('delivers notifications both ways and reports a failing notification handler', async () => {
    const errors: Error[] = [];
    const { client, server } = pair({ onErrorB: (e) => errors.push(e) });
    const got = counter(2);
    const lines: string[] = [];
    server.handleNotification('log', ({ line }) => {
      lines.push(line);
      got.hit();
      if (line === 'boom') throw new Error('kaput');
    });
    await Promise.all([client.start(), server.start()]);
    await client.notify('log', { line: 'hello' });
    await client.notify('log', { line: 'boom' });
    await got.done;
    await server.request('ping', undefined).catch(() => undefined); // flushes ordering
    expect(lines).toEqual(['hello', 'boom']);
    expect(errors.map((e) => e.message)).toEqual(['Handler for notification "log" failed: kaput']);
    await client.close();
  });

  it('validates notification params and reports rejects to onError', async () => {
    const errors: Error[] = [];
    const { client, server } = pair({ onErrorB: (e) => errors.push(e) });
    const handler = vi.fn();
    server.handleNotification('log', handler, { paramsSchema: z.object({ line: z.string() }) });
    server.handleRequest('echo', (p) => p);
    await Promise.all([client.start(), server.start()]);
    await client.notify('log', { line: 1 } as never);
    await client.request('echo', 'flush');
    expect(handler).not.toHaveBeenCalled();
    expect(errors).toHaveLength(1);
    expect(MalformedMessageError.isInstance(errors[0])).toBe(true);
    await client.close();
  });
});

describe('error responses', () => {
  async function started() {
    const errors: Error[] = [];
    const p = pair({ onErrorB: (e) => errors.push(e) });
    await Promise.all([p.client.start(), p.server.start()]);
    return { ...p, errors };
  }

  it('answers -32601 for an unknown method', async () => {
    const { client } = await started();
    const error = await client.request('echo', 1).catch((e: unknown) => e);
    expect(JsonRpcError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: JsonRpcErrorCode.methodNotFound,
      message: 'Method not found: echo',
    });
    await client.close();
  });

  it('answers -32602 with the schema issues in data, without calling the handler', async () => {
    const { client, server } = await started();
    const handler = vi.fn((p: { a: number; b: number }) => p.a + p.b);
    server.handleRequest('add', handler, {
      paramsSchema: z.object({ a: z.number(), b: z.number() }),
    });
    const error = await client.request('add', { a: 1, b: 'two' } as never).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: -32602,
      data: { issues: [{ path: ['b'], message: expect.any(String) }] },
    });
    expect((error as Error).message).toContain('Invalid params for "add": b:');
    expect(handler).not.toHaveBeenCalled();
    await client.close();
  });

  it('passes the schema output (with its transforms) to the handler', async () => {
    const { client, server } = await started();
    server.handleRequest('add', ({ a, b }) => a + b, {
      paramsSchema: z.object({ a: z.coerce.number(), b: z.number() }),
    });
    await expect(client.request('add', { a: '40' as never, b: 2 })).resolves.toBe(42);
    await client.close();
  });

  it('keeps the code, message and data of a thrown JsonRpcError', async () => {
    const { client, server, errors } = await started();
    server.handleRequest('echo', () => {
      throw new JsonRpcError(-32001, 'Component not found', { component: '/x' });
    });
    const error = await client.request('echo', 1).catch((e: unknown) => e);
    expect(JsonRpcError.isInstance(error)).toBe(true);
    expect((error as JsonRpcError).toJson()).toEqual({
      code: -32001,
      message: 'Component not found',
      data: { component: '/x' },
    });
    expect(errors).toEqual([]);
    await client.close();
  });

  it('answers -32603 with a generic message and no stack for anything else, reporting it locally', async () => {
    const { client, server, errors, b } = await started();
    server.handleRequest('echo', async () => {
      throw new TypeError('secret detail');
    });
    const error = await client.request('echo', 1).catch((e: unknown) => e);
    expect((error as JsonRpcError).toJson()).toEqual({ code: -32603, message: 'Internal error' });
    expect(JSON.stringify(b.sent)).not.toContain('secret');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe('Handler for request 1 "echo" failed: secret detail');
    expect((errors[0]!.cause as Error).message).toBe('secret detail');
    await client.close();
  });

  it('maps thrown non-Error values to -32603 too', async () => {
    const { client, server } = await started();
    server.handleRequest('echo', () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw 'a string';
    });
    await expect(client.request('echo', 1)).rejects.toMatchObject({ code: -32603 });
    await client.close();
  });
});

describe('timeouts and cancellation', () => {
  async function withSlowServer() {
    const errors: Error[] = [];
    const p = pair({ onErrorA: (e) => errors.push(e) });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    p.server.handleRequest('echo', async (x) => {
      await gate;
      return x;
    });
    await Promise.all([p.client.start(), p.server.start()]);
    return { ...p, release, errors };
  }

  it('rejects with RequestTimeoutError and drops the late response quietly', async () => {
    const { client, release, errors } = await withSlowServer();
    const error = await client.request('echo', 'slow', { timeoutMs: 5 }).catch((e: unknown) => e);
    expect(RequestTimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ method: 'echo', timeoutMs: 5, requestId: 1 });
    release();
    await expect(client.request('echo', 'after')).resolves.toBe('after');
    expect(errors).toEqual([]); // the late answer to request 1 was not "unknown"
    await client.close();
  });

  it('applies defaultTimeoutMs when a request sets none', async () => {
    const [a, b] = createLinkedTransportPair();
    const client = createJsonRpcPeer(a, { defaultTimeoutMs: 5 });
    const server = createJsonRpcPeer(b);
    server.handleRequest('hang', () => new Promise(() => {}));
    await Promise.all([client.start(), server.start()]);
    await expect(client.request('hang', undefined)).rejects.toSatisfy((e) =>
      RequestTimeoutError.isInstance(e),
    );
    await client.close();
  });

  it('rejects with RequestCancelledError when the signal aborts, carrying the reason', async () => {
    const { client, release } = await withSlowServer();
    const controller = new AbortController();
    const pending = client.request('echo', 1, { signal: controller.signal });
    controller.abort(new Error('user gave up'));
    const error = await pending.catch((e: unknown) => e);
    expect(RequestCancelledError.isInstance(error)).toBe(true);
    expect((error as Error).cause).toEqual(new Error('user gave up'));
    release();
    await client.close();
  });

  it('cancels every request sharing a signal, and leaves no listener on it once all settle', async () => {
    const { client, release } = await withSlowServer();
    const shared = new AbortController();
    const first = client.request('echo', 1, { signal: shared.signal });
    const second = client.request('echo', 2, { signal: shared.signal });
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(1);
    shared.abort(new Error('run cancelled'));
    for (const pending of [first, second]) {
      const error = await pending.catch((e: unknown) => e);
      expect(RequestCancelledError.isInstance(error)).toBe(true);
      expect((error as Error).cause).toEqual(new Error('run cancelled'));
    }
    release();
    const quiet = new AbortController();
    await expect(
      Promise.all([
        client.request('echo', 3, { signal: quiet.signal }),
        client.request('echo', 4, { signal: quiet.signal }),
      ]),
    ).resolves.toEqual([3, 4]);
    expect(getEventListeners(quiet.signal, 'abort')).toHaveLength(0);
    await client.close();
  });

  it('does not send a request whose signal is already aborted', async () => {
    const { client, a } = await withSlowServer();
    const error = await client
      .request('echo', 1, { signal: AbortSignal.abort('nope') })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'RequestCancelledError',
      requestId: undefined,
      cause: 'nope',
    });
    expect(a.sent).toEqual([]);
    await client.close();
  });
});

describe('closing', () => {
  it('rejects every pending request at once with ConnectionClosedError carrying the reason', async () => {
    const { client, server } = pair();
    server.handleRequest('echo', () => new Promise(() => {}));
    await Promise.all([client.start(), server.start()]);
    const pending = Array.from({ length: 10 }, () => client.request('echo', 1));
    const reason = new Error('shutting down');
    await client.close(reason);
    const errors = await Promise.all(pending.map((p) => p.catch((e: unknown) => e)));
    for (const error of errors) {
      expect(ConnectionClosedError.isInstance(error)).toBe(true);
      expect((error as Error).cause).toBe(reason);
      expect((error as Error).message).toBe(
        'Connection closed while request "echo" was pending: shutting down',
      );
    }
    await expect(client.closed).resolves.toEqual({ error: reason });
    // The reason is local: the other side sees an orderly close.
    await expect(server.closed).resolves.toEqual({});
  });

  it('rejects pending requests when the transport dies, with its error as cause', async () => {
    const { a, client, server } = pair();
    let handlerSignal: AbortSignal | undefined;
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    server.handleRequest('echo', (_p, ctx) => {
      handlerSignal = ctx.signal;
      entered();
      return new Promise(() => {});
    });
    await Promise.all([client.start(), server.start()]);
    const pending = client.request('echo', 1);
    await inHandler;
    const died = new Error('child exited with code 3');
    a.fail(died);
    const error = await pending.catch((e: unknown) => e);
    expect(ConnectionClosedError.isInstance(error)).toBe(true);
    expect((error as Error).cause).toBe(died);
    await expect(server.closed).resolves.toEqual({ error: died });
    expect(handlerSignal?.aborted).toBe(true);
  });

  it('gives handlers an aborted signal after close, also when first read late', async () => {
    const { client, server } = pair();
    const contexts: { signal: AbortSignal }[] = [];
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    server.handleRequest('echo', (_p, ctx) => {
      contexts.push(ctx);
      entered();
      return new Promise(() => {});
    });
    await Promise.all([client.start(), server.start()]);
    const pending = client.request('echo', 1).catch((e: unknown) => e);
    await inHandler;
    await server.close(new Error('server shutting down'));
    expect(contexts[0]!.signal.aborted).toBe(true);
    expect(ConnectionClosedError.isInstance(contexts[0]!.signal.reason)).toBe(true);
    expect(ConnectionClosedError.isInstance(await pending)).toBe(true);
  });

  it('rejects requests after close and before start with clear errors', async () => {
    const { client, server } = pair();
    await expect(client.request('echo', 1)).rejects.toThrow(
      /call start\(\) on the JSON-RPC peer first/,
    );
    await expect(client.notify('log', { line: '' })).rejects.toThrow(/call start\(\)/);
    await Promise.all([client.start(), server.start()]);
    await server.close();
    await client.closed;
    await expect(client.request('echo', 1)).rejects.toSatisfy((e) =>
      ConnectionClosedError.isInstance(e),
    );
    await expect(client.notify('log', { line: '' })).rejects.toSatisfy((e) =>
      ConnectionClosedError.isInstance(e),
    );
    await expect(client.start()).rejects.toThrow(/cannot be started again/);
    await client.close(); // idempotent
  });

  it('refuses a second handler for the same method', () => {
    const { server } = pair();
    const remove = server.handleRequest('echo', (p) => p);
    expect(() => server.handleRequest('echo', (p) => p)).toThrow(
      'A request handler for "echo" is already registered on this peer',
    );
    remove();
    server.handleRequest('echo', (p) => p);
  });
});

describe('malformed input', () => {
  it('reports non-object input and keeps working', async () => {
    const errors: Error[] = [];
    const { peer, sendRaw, next, a } = await rawPair((e) => errors.push(e));
    peer.handleRequest('echo', (p) => p);
    a.inject('just a string');
    a.inject([1, 2]);
    a.inject(null);
    await sendRaw({ jsonrpc: '2.0', id: 7, method: 'echo', params: 'ok' });
    expect(await next()).toEqual({ jsonrpc: '2.0', id: 7, result: 'ok' });
    expect(errors.map((e) => e.message)).toEqual([
      'Received a malformed JSON-RPC message: expected a JSON object, got string',
      'Received a malformed JSON-RPC message: batch messages (JSON arrays) are not supported',
      'Received a malformed JSON-RPC message: expected a JSON object, got null',
    ]);
    expect(errors.every((e) => MalformedMessageError.isInstance(e))).toBe(true);
    await peer.close();
  });

  it('answers -32600 to a bad envelope with a readable id', async () => {
    const errors: Error[] = [];
    const { peer, sendRaw, next } = await rawPair((e) => errors.push(e));
    await sendRaw({ jsonrpc: '1.0', id: 'x', method: 'echo' });
    expect(await next()).toEqual({
      jsonrpc: '2.0',
      id: 'x',
      error: { code: -32600, message: 'Invalid request: "jsonrpc" must be "2.0"' },
    });
    await sendRaw({ jsonrpc: '2.0', id: 8, method: 42 });
    expect(await next()).toMatchObject({ id: 8, error: { code: -32600 } });
    await sendRaw({ jsonrpc: '2.0', id: 9 });
    expect(await next()).toMatchObject({ id: 9, error: { code: -32600 } });
    expect(errors).toHaveLength(3);
    await peer.close();
  });

  it('reports a request with an unreadable id without answering', async () => {
    const errors: Error[] = [];
    const { peer, sendRaw, next } = await rawPair((e) => errors.push(e));
    peer.handleRequest('echo', (p) => p);
    await sendRaw({ jsonrpc: '2.0', id: { no: 1 }, method: 'echo' });
    await sendRaw({ jsonrpc: '2.0', id: 1, method: 'echo', params: 'next' });
    expect(await next()).toMatchObject({ id: 1, result: 'next' });
    expect(errors.map((e) => e.message)).toEqual([
      'Received a malformed JSON-RPC message: "id" of a request must be a string or a number',
    ]);
    await peer.close();
  });

  it('reports a response for an unknown id', async () => {
    const errors: Error[] = [];
    const { peer, sendRaw, next } = await rawPair((e) => errors.push(e));
    peer.handleRequest('echo', (p) => p);
    await sendRaw({ jsonrpc: '2.0', id: 999, result: 'stray' });
    await sendRaw({ jsonrpc: '2.0', id: 1, method: 'echo', params: 'x' });
    await next();
    expect(errors.map((e) => e.message)).toEqual([
      'Received a response for unknown request id 999; dropped',
    ]);
    expect((errors[0] as MalformedMessageError).received).toEqual({
      jsonrpc: '2.0',
      id: 999,
      result: 'stray',
    });
    await peer.close();
  });

  it('fails a pending request whose response is malformed', async () => {
    const errors: Error[] = [];
    const { peer, sendRaw, next } = await rawPair((e) => errors.push(e));
    const pending = peer.request('x', undefined);
    const request = (await next()) as { id: number };
    await sendRaw({ jsonrpc: '2.0', id: request.id, error: { code: 'bad' } });
    const error = await pending.catch((e: unknown) => e);
    expect(MalformedMessageError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('"error.code" must be an integer');
    expect(errors).toHaveLength(1);
    await peer.close();
  });

  it('reports an error response without id (the other side could not read our message)', async () => {
    const errors: Error[] = [];
    const { peer, sendRaw } = await rawPair((e) => errors.push(e));
    const got = new Promise<void>((r) => (peer.handleNotification('n', () => r()), undefined));
    await sendRaw({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    await sendRaw({ jsonrpc: '2.0', method: 'n' });
    await got;
    expect(errors.map((e) => e.message)).toEqual([
      'Received a malformed JSON-RPC message: the other side reported an error without a request id: -32700 Parse error',
    ]);
    await peer.close();
  });

  it('fails the request whose response the transport dropped unread, and answers a dropped request', async () => {
    const errors: Error[] = [];
    const { peer, a, next } = await rawPair((e) => errors.push(e));
    const pending = peer.request('x', undefined);
    const other = peer.request('y', undefined);
    const request = (await next()) as { id: number };
    await next();
    const tooLarge = Object.assign(new Error('Incoming message exceeds the maximum size'), {
      droppedMessage: { id: request.id, kind: 'response' },
    });
    a.onerror?.(tooLarge);
    expect(await pending.catch((e: unknown) => e)).toBe(tooLarge);
    a.onerror?.(
      Object.assign(new Error('too large'), { droppedMessage: { id: 'cb-1', kind: 'request' } }),
    );
    expect(await next()).toEqual({
      jsonrpc: '2.0',
      id: 'cb-1',
      error: { code: -32600, message: 'Invalid request: dropped unread: too large' },
    });
    expect(errors).toHaveLength(2);
    await peer.close();
    await expect(other).rejects.toThrow(ConnectionClosedError);
  });

  it('forwards transport errors to onError and survives a throwing hook', async () => {
    const seen: Error[] = [];
    const { peer, a, sendRaw, next } = await rawPair((e) => {
      seen.push(e);
      throw new Error('hook exploded');
    });
    peer.handleRequest('echo', (p) => p);
    a.onerror?.(new Error('line 3 is not JSON'));
    a.inject(42);
    await sendRaw({ jsonrpc: '2.0', id: 1, method: 'echo', params: 'alive' });
    expect(await next()).toMatchObject({ result: 'alive' });
    expect(seen).toHaveLength(2);
    await peer.close();
  });
});

describe('typing', () => {
  it('types requests and handlers from the method maps', () => {
    const { client, server } = pair();
    // Compile-time checks: wrong params or result types do not type-check.
    const typed = async (peer: JsonRpcPeer<ClientMethods, ServerMethods>) => {
      const n: number = await peer.request('add', { a: 1, b: 2 });
      // @ts-expect-error params must match
      await peer.request('add', { a: 'x', b: 2 });
      // @ts-expect-error unknown method
      await peer.request('nope', {});
      return n;
    };
    // @ts-expect-error handler result must match
    server.handleRequest('add', () => 'not a number');
    expect(typeof typed).toBe('function');
    expect(client).toBeDefined();
  });
});
