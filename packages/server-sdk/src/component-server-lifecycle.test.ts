import { createJsonRpcPeer } from '@stepflow/jsonrpc';
import { createLinkedTransportPair } from '@stepflow/jsonrpc/testing';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createComponentServer, type StandardSchemaLike } from './index.ts';
import { createTestRuntime } from './testing.ts';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const quiet = { name: 'test', version: '1', writeLog: () => {} };

describe('validation variants', () => {
  it('awaits async zod refinements and reports their issues', async () => {
    const server = createComponentServer(quiet);
    server.component(
      'async',
      {
        input: z
          .object({ n: z.number() })
          .refine(async (value) => value.n > 0, 'n must be positive'),
      },
      ({ n }) => n,
    );
    const runtime = await createTestRuntime(server);
    expect(await runtime.execute('/async', { n: 2 })).toBe(2);
    await expect(runtime.execute('/async', { n: -1 })).rejects.toMatchObject({
      code: -32602,
      data: { issues: [{ path: [], message: 'n must be positive' }] },
    });
    await runtime.close();
  });

  it('accepts any Standard Schema validator (no JSON Schema reported for non-zod vendors)', async () => {
    const even: StandardSchemaLike<number, number> = {
      '~standard': {
        version: 1,
        vendor: 'hand-made',
        validate: (value) =>
          typeof value === 'number' && value % 2 === 0
            ? { value }
            : { issues: [{ message: 'expected an even number', path: [{ key: 'n' }] }] },
      },
    };
    const server = createComponentServer(quiet);
    server.component('even', { input: even }, (n) => n / 2);
    const runtime = await createTestRuntime(server);
    expect(await runtime.componentInfo('/even')).toEqual({ component: '/even' });
    expect(await runtime.execute('/even', 8)).toBe(4);
    await expect(runtime.execute('/even', 3)).rejects.toMatchObject({
      code: -32602,
      data: { issues: [{ path: ['n'], message: 'expected an even number' }] },
    });
    await runtime.close();
  });

  it('rejects something that is neither a schema nor a JSON Schema object at registration', () => {
    const server = createComponentServer(quiet);
    expect(() => server.component('bad', { input: 'string' as never }, () => 1)).toThrow(
      "component '/bad' input: a schema must be a zod schema, a Standard Schema or a JSON Schema object",
    );
  });
});

describe('connection lifecycle', () => {
  it('fails executions still queued for a slot when the server shuts down', async () => {
    const server = createComponentServer({ ...quiet, maxConcurrency: 1 });
    const started = deferred();
    server.component('hold', {}, (_input, ctx) => {
      started.resolve();
      return new Promise((_, reject) =>
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error)),
      );
    });
    const [runtimeSide, serverSide] = createLinkedTransportPair();
    const connection = await server.connect(serverSide);
    const peer = createJsonRpcPeer(runtimeSide, { onError: () => {} });
    await peer.start();
    const call = () =>
      peer.request('components/execute', {
        component: '/hold',
        input: null,
        attempt: 1,
        observability: {},
      });
    const running = call();
    await started.promise;
    const queued = call();
    // Let the second request reach the queue before shutting down.
    await peer.request('components/list', {});
    expect(connection.activeExecutions).toBe(2);
    const shutdown = connection.shutdown({ graceMs: 0 });
    await expect(running).rejects.toMatchObject({ code: -32003 });
    await expect(queued).rejects.toMatchObject({
      code: -32003,
      message: 'Component execution failed: the server is shutting down',
    });
    await shutdown;
  });

  it('when the runtime closes the connection, gives running executions the grace period, then aborts them', async () => {
    const server = createComponentServer(quiet);
    const started = deferred();
    const aborted = deferred<string>();
    server.component('hold', {}, (_input, ctx) => {
      started.resolve();
      return new Promise((_, reject) =>
        ctx.signal.addEventListener('abort', () => {
          aborted.resolve((ctx.signal.reason as Error).message);
          reject(new Error('stopped'));
        }),
      );
    });
    const [runtimeSide, serverSide] = createLinkedTransportPair();
    const connection = await server.connect(serverSide, { closeGraceMs: 10 });
    const peer = createJsonRpcPeer(runtimeSide, { onError: () => {} });
    await peer.start();
    const pending = peer
      .request('components/execute', {
        component: '/hold',
        input: null,
        attempt: 1,
        observability: {},
      })
      .catch((error: unknown) => error);
    await started.promise;
    await peer.close();
    expect(await aborted.promise).toBe('the connection to the runtime closed');
    await connection.closed;
    expect(connection.activeExecutions).toBe(0);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('a callback after the connection closed rejects with RuntimeRequestError', async () => {
    const server = createComponentServer(quiet);
    const started = deferred();
    const proceed = deferred();
    const outcome = deferred<unknown>();
    server.component('late', {}, async (_input, ctx) => {
      started.resolve();
      await proceed.promise;
      try {
        await ctx.putBlob(1);
      } catch (error) {
        outcome.resolve({
          name: (error as Error).name,
          method: (error as { method?: string }).method,
        });
      }
      return null;
    });
    const [runtimeSide, serverSide] = createLinkedTransportPair();
    const connection = await server.connect(serverSide, { closeGraceMs: 1000 });
    const peer = createJsonRpcPeer(runtimeSide, { onError: () => {} });
    await peer.start();
    void peer
      .request('components/execute', {
        component: '/late',
        input: null,
        attempt: 1,
        observability: {},
      })
      .catch(() => {});
    await started.promise;
    await peer.close();
    proceed.resolve();
    expect(await outcome.promise).toEqual({ name: 'RuntimeRequestError', method: 'blobs/put' });
    await connection.closed;
  });
});

describe('validateOutput', () => {
  it('checks outputs against the output schema only when asked', async () => {
    const schema = { output: z.object({ n: z.number().transform((n) => n * 10) }) };
    const strict = createComponentServer({ ...quiet, validateOutput: true });
    strict.component('good', schema, () => ({ n: 1 }));
    strict.component('bad', schema, async () => ({ n: 'one' }) as never);
    strict.component('none', {}, () => 'anything');
    const runtime = await createTestRuntime(strict);
    expect(await runtime.execute('/good', null)).toEqual({ n: 10 });
    expect(await runtime.execute('/none', null)).toBe('anything');
    await expect(runtime.execute('/bad', null)).rejects.toMatchObject({
      code: -32003,
      message: expect.stringMatching(
        /^Component execution failed: the output of '\/bad' does not match its output schema: n: /,
      ),
    });
    await runtime.close();

    const lax = createComponentServer(quiet);
    lax.component('bad', schema, () => ({ n: 'one' }) as never);
    const laxRuntime = await createTestRuntime(lax);
    expect(await laxRuntime.execute('/bad', null)).toEqual({ n: 'one' });
    await laxRuntime.close();
  });
});
