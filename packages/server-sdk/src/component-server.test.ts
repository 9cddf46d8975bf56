import { createJsonRpcPeer, JsonRpcError } from '@stepflow/jsonrpc';
import { createLinkedTransportPair } from '@stepflow/jsonrpc/testing';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ComponentError, createComponentServer, type ComponentServer } from './index.ts';
import { createTestRuntime, type TestRuntime } from './testing.ts';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const runtimes: TestRuntime[] = [];
async function connect(server: ComponentServer, options?: Parameters<typeof createTestRuntime>[1]) {
  const runtime = await createTestRuntime(server, options);
  runtimes.push(runtime);
  return runtime;
}
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((runtime) => runtime.close({ graceMs: 0 })));
});

function quietServer(options: Partial<Parameters<typeof createComponentServer>[0]> = {}) {
  const lines: string[] = [];
  const server = createComponentServer({
    name: 'test',
    version: '1.0.0',
    writeLog: (line) => lines.push(line),
    ...options,
  });
  return { server, lines };
}

describe('handshake and discovery', () => {
  it('answers initialize with protocol version 1 and serves requests before initialized', async () => {
    const { server } = quietServer();
    server.component('echo', {}, (input) => input);
    const [runtimeSide, serverSide] = createLinkedTransportPair();
    const connection = await server.connect(serverSide);
    const peer = createJsonRpcPeer(runtimeSide, { onError: () => {} });
    await peer.start();
    // No initialize/initialized yet: a request must still be answered.
    expect(
      await peer.request('components/execute', {
        component: '/echo',
        input: 1,
        attempt: 1,
        observability: {},
      }),
    ).toEqual({
      output: 1,
    });
    expect(await peer.request('initialize', { runtime_protocol_version: 1 })).toEqual({
      server_protocol_version: 1,
    });
    await peer.notify('initialized', {});
    await connection.shutdown({ graceMs: 0 });
    await peer.close();
  });

  it('lists components with normalised names and JSON Schemas from zod or plain JSON Schema', async () => {
    const { server } = quietServer();
    server.component(
      'stats',
      {
        description: 'Counts words',
        input: z.object({ text: z.string() }),
        output: z.object({ words: z.number() }),
      },
      ({ text }) => ({ words: text.split(' ').length }),
    );
    server.component(
      '/raw',
      { input: { type: 'object', properties: { n: { type: 'integer' } } } },
      () => null,
    );
    const runtime = await connect(server);
    const components = await runtime.listComponents();
    expect(components.map((c) => c.component)).toEqual(['/udf', '/stats', '/raw']);
    const stats = components.find((c) => c.component === '/stats');
    expect(stats).toMatchObject({
      description: 'Counts words',
      input_schema: {
        type: 'object',
        properties: { text: { type: 'string' } },
        required: ['text'],
      },
      output_schema: { type: 'object', properties: { words: { type: 'number' } } },
    });
    expect(await runtime.componentInfo('/raw')).toEqual({
      component: '/raw',
      input_schema: { type: 'object', properties: { n: { type: 'integer' } } },
    });
  });

  it('answers components/info for an unknown component with -32001', async () => {
    const { server } = quietServer();
    const runtime = await connect(server);
    await expect(runtime.componentInfo('/nope')).rejects.toMatchObject({
      code: -32001,
      message: "Component '/nope' not found",
    });
  });

  it('rejects duplicate names, non-function handlers and invalid JSON Schemas when registering', () => {
    const { server } = quietServer();
    server.component('a', {}, () => 1);
    expect(() => server.component('/a', {}, () => 2)).toThrow("'/a' is already registered");
    expect(() => server.component('b', { input: { type: 'nonsense' } }, () => 1)).toThrow(
      "component '/b' input: invalid JSON Schema",
    );
    expect(() => server.component('c', {}, 'x' as never)).toThrow('handler must be a function');
    expect(() => createComponentServer({ name: 'x', version: '1', maxConcurrency: 0 })).toThrow(
      'maxConcurrency',
    );
    expect(() =>
      createComponentServer({ name: 'x', version: '1', executionTimeoutMs: -1 }),
    ).toThrow('executionTimeoutMs');
  });

  it('leaves /udf out when asked', async () => {
    const { server } = quietServer({ udf: false });
    expect(server.listComponents()).toEqual([]);
  });
});

describe('components/execute', () => {
  it('runs the handler with the parsed input and maps undefined output to null', async () => {
    const { server } = quietServer();
    server.component('double', { input: z.object({ n: z.coerce.number() }) }, ({ n }) => ({
      n: n * 2,
    }));
    server.component('nothing', {}, () => undefined);
    const runtime = await connect(server);
    expect(await runtime.execute('/double', { n: '21' })).toEqual({ n: 42 });
    expect(await runtime.execute('double', { n: 1 })).toEqual({ n: 2 });
    expect(await runtime.execute('/nothing', {})).toBeNull();
  });

  it('answers an unknown component with -32001 naming it', async () => {
    const { server } = quietServer();
    const runtime = await connect(server);
    await expect(runtime.execute('/missing', {})).rejects.toMatchObject({
      code: -32001,
      message: "Component '/missing' not found",
      data: { component: '/missing', available: ['/udf'] },
    });
  });

  it('answers input failing a zod schema with -32602 listing every issue', async () => {
    const { server } = quietServer();
    let called = false;
    server.component(
      'strict',
      { input: z.object({ text: z.string(), count: z.number().int() }) },
      () => {
        called = true;
      },
    );
    const runtime = await connect(server);
    const error = await runtime
      .execute('/strict', { text: 5, count: 1.5 })
      .catch((e: unknown) => e);
    expect(JsonRpcError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: -32602, data: { component: '/strict' } });
    const { issues } = (error as JsonRpcError).data as { issues: Array<{ path: unknown[] }> };
    expect(issues.map((issue) => issue.path)).toEqual([['text'], ['count']]);
    expect((error as Error).message).toMatch(
      /^Invalid input for component '\/strict': text: .*; count: /,
    );
    expect(called).toBe(false);
  });

  it('answers input failing a JSON Schema with -32602 listing every issue', async () => {
    const { server } = quietServer();
    server.component(
      'json',
      {
        input: {
          type: 'object',
          properties: { a: { type: 'string' }, b: { type: 'string', format: 'email' } },
          required: ['a', 'c'],
        },
      },
      () => 1,
    );
    const runtime = await connect(server);
    const error = (await runtime
      .execute('/json', { a: 1, b: 'nope' })
      .catch((e: unknown) => e)) as JsonRpcError;
    expect(error.code).toBe(-32602);
    const { issues } = error.data as { issues: Array<{ path: unknown[]; message: string }> };
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: ['c'], message: 'is required' },
        { path: ['a'], message: 'must be string' },
        { path: ['b'], message: 'must match format "email"' },
      ]),
    );
    expect(issues).toHaveLength(3);
  });

  it('turns a thrown error into -32003 without a stack on the wire, logging the stack locally', async () => {
    const { server, lines } = quietServer();
    server.component('boom', {}, () => {
      throw new TypeError('kaboom');
    });
    server.component('boom-async', {}, async () => {
      await Promise.resolve();
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- user code may throw non-errors
      throw 'a string';
    });
    const runtime = await connect(server);
    const error = (await runtime.execute('/boom', {}).catch((e: unknown) => e)) as JsonRpcError;
    expect(error.toJson()).toEqual({
      code: -32003,
      message: 'Component execution failed: kaboom',
      data: {},
    });
    await expect(runtime.execute('/boom-async', {})).rejects.toMatchObject({
      code: -32003,
      message: 'Component execution failed: a string',
    });
    expect(
      lines.some(
        (line) => line.includes('TypeError: kaboom') && line.includes('component-server.test.ts'),
      ),
    ).toBe(true);
  });

  it('sends a ComponentError with its own code, message and data', async () => {
    const { server } = quietServer();
    server.component('refuse', {}, () => {
      throw new ComponentError(4001, 'Customer 42 has no e-mail', { customerId: 42 });
    });
    const runtime = await connect(server);
    const error = (await runtime.execute('/refuse', {}).catch((e: unknown) => e)) as JsonRpcError;
    expect(error.toJson()).toEqual({
      code: 4001,
      message: 'Customer 42 has no e-mail',
      data: { customerId: 42 },
    });
    expect(ComponentError.isInstance(new ComponentError(1, 'x'))).toBe(true);
    expect(new ComponentError(1, 'x').toJSON()).toEqual({ code: 1, message: 'x' });
    expect(() => new ComponentError(1.5, 'x')).toThrow('integer');
  });

  it('handles requests concurrently: a handler awaiting a callback does not block the next message', async () => {
    const { server } = quietServer();
    const firstStarted = deferred();
    const release = deferred();
    server.component('wait', {}, async () => {
      firstStarted.resolve();
      await release.promise;
      return 'waited';
    });
    server.component('quick', {}, () => 'quick');
    const runtime = await connect(server);
    const waiting = runtime.execute('/wait', {});
    await firstStarted.promise;
    expect(await runtime.execute('/quick', {})).toBe('quick');
    release.resolve();
    expect(await waiting).toBe('waited');
  });

  it('queues executions beyond maxConcurrency in arrival order', async () => {
    const { server } = quietServer({ maxConcurrency: 1 });
    const started: number[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const startedSignals = [deferred(), deferred(), deferred()];
    server.component('gated', { input: z.number() }, async (i) => {
      started.push(i);
      startedSignals[i]!.resolve();
      await gates[i]!.promise;
      return i;
    });
    const runtime = await connect(server);
    const runs = [0, 1, 2].map((i) => runtime.execute('/gated', i));
    await startedSignals[0]!.promise;
    expect(started).toEqual([0]);
    gates[0]!.resolve();
    await startedSignals[1]!.promise;
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve();
    gates[2]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
  });

  it('aborts an execution that exceeds executionTimeoutMs and answers -32003', async () => {
    const { server } = quietServer({ executionTimeoutMs: 20 });
    const aborted = deferred<unknown>();
    server.component('forever', {}, (_input, context) => {
      context.signal.addEventListener('abort', () => aborted.resolve(context.signal.reason));
      return new Promise(() => {});
    });
    const runtime = await connect(server);
    await expect(runtime.execute('/forever', {})).rejects.toMatchObject({
      code: -32003,
      message: "Component execution failed: '/forever' timed out after 20 ms",
    });
    expect(await aborted.promise).toBeInstanceOf(Error);
  });

  it('tolerates missing attempt and observability and passes context fields through', async () => {
    const { server } = quietServer();
    server.component('who', {}, (_input, ctx) => ({
      component: ctx.component,
      stepId: ctx.stepId ?? null,
      runId: ctx.runId ?? null,
      flowId: ctx.flowId ?? null,
      attempt: ctx.attempt,
    }));
    const [runtimeSide, serverSide] = createLinkedTransportPair();
    const connection = await server.connect(serverSide);
    const peer = createJsonRpcPeer(runtimeSide, { onError: () => {} });
    await peer.start();
    expect(await peer.request('components/execute', { component: '/who', input: null })).toEqual({
      output: { component: '/who', stepId: null, runId: null, flowId: null, attempt: 1 },
    });
    expect(
      await peer.request('components/execute', {
        component: '/who',
        input: null,
        attempt: 3,
        observability: { run_id: 'r', flow_id: 'f', step_id: 's', trace_id: 't' },
      }),
    ).toEqual({ output: { component: '/who', stepId: 's', runId: 'r', flowId: 'f', attempt: 3 } });
    await expect(peer.request('components/execute', { input: 1 })).rejects.toMatchObject({
      code: -32602,
    });
    await expect(peer.request('components/execute', 'nope')).rejects.toMatchObject({
      code: -32602,
    });
    await connection.shutdown({ graceMs: 0 });
    await peer.close();
  });

  it('on shutdown refuses new executions, lets running ones finish within the grace period, then fails the rest', async () => {
    const { server } = quietServer();
    const started = deferred();
    const finish = deferred();
    server.component('finishes', {}, async () => {
      started.resolve();
      await finish.promise;
      return 'done';
    });
    const stuckStarted = deferred();
    server.component('stuck', {}, (_input, ctx) => {
      stuckStarted.resolve();
      return new Promise((_, reject) =>
        ctx.signal.addEventListener('abort', () => reject(new Error('gave up'))),
      );
    });
    const [runtimeSide, serverSide] = createLinkedTransportPair();
    const connection = await server.connect(serverSide);
    const peer = createJsonRpcPeer(runtimeSide, { onError: () => {} });
    await peer.start();
    const call = (component: string) =>
      peer.request('components/execute', { component, input: null, attempt: 1, observability: {} });
    const finishing = call('/finishes');
    const stuck = call('/stuck');
    await started.promise;
    await stuckStarted.promise;
    expect(connection.activeExecutions).toBe(2);
    const shutdown = connection.shutdown({ graceMs: 50 });
    await expect(call('/finishes')).rejects.toMatchObject({
      code: -32000,
      message: expect.stringContaining('shutting down'),
    });
    finish.resolve();
    expect(await finishing).toEqual({ output: 'done' });
    await expect(stuck).rejects.toMatchObject({
      code: -32003,
      message: 'Component execution failed: the server is shutting down',
    });
    await shutdown;
    await connection.closed;
    await peer.closed;
  });
});
