import { getEventListeners } from 'node:events';
import {
  createJsonRpcPeer,
  JsonRpcError,
  type JsonRpcPeer,
  type Transport,
} from '@stepflow/jsonrpc';
import { createLinkedTransportPair } from '@stepflow/jsonrpc/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ComponentError,
  ComponentServerDeadError,
  ComponentUnavailableError,
  ConfigError,
  RuntimeServiceError,
  createStepflowPluginFactory,
  resolveStdioLaunch,
  silentLogger,
  type ExecutionContext,
  type Plugin,
  type RuntimeServices,
  type StepflowTransportFactories,
} from '../../index.ts';

type ServerPeer = JsonRpcPeer;

interface FakeServer {
  readonly peer: ServerPeer;
  readonly received: string[];
}

const plugins: Plugin[] = [];
afterEach(async () => {
  await Promise.all(plugins.splice(0).map((plugin) => plugin.close()));
});

/** A plugin whose every (re)start creates an in-memory server set up by `setup`. */
function pluginWith(
  setup: (server: ServerPeer, index: number) => void,
  options: {
    maxConsecutiveFailures?: number;
    failStart?: (index: number) => Error | undefined;
  } = {},
): { plugin: Plugin; servers: FakeServer[] } {
  const servers: FakeServer[] = [];
  const transports: StepflowTransportFactories = {
    stdio: () => {
      const index = servers.length;
      const [runtimeSide, serverSide] = createLinkedTransportPair();
      const failure = options.failStart?.(index);
      const peer = createJsonRpcPeer(serverSide, { onError: () => undefined });
      const received: string[] = [];
      servers.push({ peer, received });
      peer.handleRequest('initialize', (params) => {
        received.push(`initialize ${JSON.stringify(params)}`);
        return { server_protocol_version: 1 };
      });
      peer.handleNotification('initialized', () => {
        received.push('initialized');
      });
      setup(peer, index);
      if (failure) {
        return {
          ...runtimeSide,
          start: () => Promise.reject(failure),
          send: (message) => runtimeSide.send(message),
          close: () => runtimeSide.close(),
        } satisfies Transport;
      }
      void peer.start();
      return runtimeSide;
    },
  };
  const factory = createStepflowPluginFactory({
    transports,
    env: { PATH: '/bin' },
    restart: {
      initialDelayMs: 1,
      maxDelayMs: 2,
      maxConsecutiveFailures: options.maxConsecutiveFailures ?? 3,
    },
  });
  const plugin = factory({
    name: 'fake',
    config: { type: 'stepflow', transport: 'stdio', command: 'fake-server', args: [] },
    workingDirectory: '/tmp',
    logger: silentLogger,
  });
  plugins.push(plugin);
  return { plugin, servers };
}

function services(overrides: Partial<RuntimeServices> = {}): RuntimeServices {
  const fail = (): never => {
    throw new Error('not expected');
  };
  return {
    putBlob: async () => 'b'.repeat(64),
    getBlob: async (id) => ({ id, data: { stored: true }, blobType: 'data' }),
    evaluateFlow: async () => ({ result: { outcome: 'success', result: 42 }, runId: 'nested' }),
    getFlowMetadata: fail,
    submitBatch: fail,
    getBatch: fail,
    ...overrides,
  };
}

function context(overrides: Partial<ExecutionContext> = {}): ExecutionContext {
  return {
    runId: 'run-1',
    flowId: 'f'.repeat(64),
    stepId: 'step-1',
    attempt: 1,
    signal: new AbortController().signal,
    services: services(),
    logger: silentLogger,
    ...overrides,
  };
}

describe('createStepflowPluginFactory', () => {
  it('handshakes once, then executes with the post-routing name, attempt and observability', async () => {
    const seen: unknown[] = [];
    const { plugin, servers } = pluginWith((server) => {
      server.handleRequest('components/execute', (params) => {
        seen.push(params);
        return { output: { echoed: (params as { input: unknown }).input } };
      });
    });
    const first = await plugin.execute({ component: '/echo', input: { a: 1 }, context: context() });
    const second = await plugin.execute({
      component: '/echo',
      input: undefined,
      context: context({ attempt: 2 }),
    });
    expect(first).toEqual({ outcome: 'success', result: { echoed: { a: 1 } } });
    expect(second).toEqual({ outcome: 'success', result: { echoed: null } });
    expect(servers).toHaveLength(1);
    expect(servers[0]!.received).toEqual([
      'initialize {"runtime_protocol_version":1}',
      'initialized',
    ]);
    expect(seen[0]).toEqual({
      component: '/echo',
      input: { a: 1 },
      attempt: 1,
      observability: { run_id: 'run-1', flow_id: 'f'.repeat(64), step_id: 'step-1' },
    });
  });

  it('sends W3C trace and span ids with the run trace id, making a span id when none records', async () => {
    const seen: { observability: Record<string, unknown> }[] = [];
    const { plugin } = pluginWith((server) => {
      server.handleRequest('components/execute', (params) => {
        seen.push(params as { observability: Record<string, unknown> });
        return { output: null };
      });
    });
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    await plugin.execute({ component: '/echo', input: 1, context: context({ traceId }) });
    await plugin.execute({
      component: '/echo',
      input: 2,
      context: context({ traceId, spanId: 'b7ad6b7169203331' }),
    });
    expect(seen[0]!.observability).toMatchObject({
      trace_id: traceId,
      span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
      run_id: 'run-1',
    });
    expect(seen[1]!.observability).toMatchObject({
      trace_id: traceId,
      span_id: 'b7ad6b7169203331',
    });
  });

  it('lists components through components/list', async () => {
    const { plugin } = pluginWith((server) => {
      server.handleRequest('components/list', () => ({
        components: [{ component: '/a', description: 'A' }],
      }));
    });
    expect(await plugin.listComponents()).toEqual([{ component: '/a', description: 'A' }]);
  });

  it('turns a JSON-RPC error of the component into a ComponentError with its code, message and data', async () => {
    const { plugin } = pluginWith((server) => {
      server.handleRequest('components/execute', () => {
        throw new JsonRpcError(-32003, 'Component execution failed: nope', { detail: 1 });
      });
    });
    const error = await plugin
      .execute({ component: '/x', input: {}, context: context() })
      .catch((e: unknown) => e);
    expect(ComponentError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: -32003,
      message: 'Component execution failed: nope',
      data: { detail: 1 },
    });
  });

  it('rejects an execute result without output', async () => {
    const { plugin } = pluginWith((server) => {
      server.handleRequest('components/execute', () => ({ nothing: true }));
    });
    await expect(
      plugin.execute({ component: '/x', input: {}, context: context() }),
    ).rejects.toThrow(
      "component server 'fake' answered components/execute for /x without an 'output'",
    );
  });

  it('fails in-flight executions with ComponentUnavailableError when the server goes, and restarts it with a new handshake', async () => {
    const { plugin, servers } = pluginWith((server, index) => {
      server.handleRequest('components/execute', async () => {
        if (index === 0) {
          await server.close();
          return { output: 'never' };
        }
        return { output: `from server ${index}` };
      });
    });
    const error = await plugin
      .execute({ component: '/x', input: {}, context: context() })
      .catch((e: unknown) => e);
    expect(ComponentUnavailableError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(
      "component server 'fake' (fake-server) stopped while executing /x for step 'step-1' (attempt 1)",
    );
    const retried = await plugin.execute({
      component: '/x',
      input: {},
      context: context({ attempt: 2 }),
    });
    expect(retried).toEqual({ outcome: 'success', result: 'from server 1' });
    expect(servers[1]!.received).toEqual([
      'initialize {"runtime_protocol_version":1}',
      'initialized',
    ]);
  });

  it('marks a server that keeps crashing dead, naming the plugin', async () => {
    const { plugin, servers } = pluginWith(
      (server) => {
        server.handleRequest('components/execute', async () => {
          await server.close();
          return { output: null };
        });
      },
      { maxConsecutiveFailures: 2 },
    );
    for (let i = 0; i < 2; i++) {
      await expect(
        plugin.execute({ component: '/x', input: {}, context: context() }),
      ).rejects.toSatisfy((e: unknown) => ComponentUnavailableError.isInstance(e));
    }
    const error = await plugin
      .execute({ component: '/x', input: {}, context: context() })
      .catch((e: unknown) => e);
    expect(ComponentServerDeadError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(
      "component server plugin 'fake' (fake-server) crashed 2 times in a row and is marked dead",
    );
    expect(servers).toHaveLength(2);
  });

  it('retries a failed start with backoff and gives up after the limit', async () => {
    const { plugin, servers } = pluginWith(() => undefined, {
      maxConsecutiveFailures: 3,
      failStart: () => new Error('spawn went wrong'),
    });
    const error = await plugin.listComponents().catch((e: unknown) => e);
    expect(ComponentServerDeadError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(
      "'fake' (fake-server) failed 3 times in a row and is marked dead",
    );
    expect((error as Error).message).toContain('spawn went wrong');
    expect(servers).toHaveLength(3);
  });

  it('gives up at once when the command does not exist', async () => {
    const missing = Object.assign(new Error('spawn fake-server ENOENT'), { code: 'ENOENT' });
    const { plugin, servers } = pluginWith(() => undefined, {
      failStart: () => new Error('could not start', { cause: missing }),
    });
    await expect(plugin.listComponents()).rejects.toThrow(
      "component server plugin 'fake' (fake-server) could not be started",
    );
    expect(servers).toHaveLength(1);
  });

  it.each([
    [
      'an HTTP 401 answer to initialize',
      new JsonRpcError(-32603, 'Unauthorized', { transport: 'http', status: 401 }),
    ],
    [
      'a refused WebSocket upgrade (403)',
      Object.assign(new Error('refused: 403 Forbidden'), { code: 'rejected', status: 403 }),
    ],
  ])('gives up at once on %s: retrying cannot fix credentials', async (_what, refusal) => {
    const { plugin, servers } = pluginWith(() => undefined, {
      maxConsecutiveFailures: 3,
      failStart: () => new Error('the server did not start', { cause: refusal }),
    });
    await expect(plugin.listComponents()).rejects.toThrow(
      "component server plugin 'fake' (fake-server) could not be started",
    );
    expect(servers).toHaveLength(1);
  });

  it('serves callbacks with the services of the matching execution, with REF error codes', async () => {
    const answers: Record<string, unknown> = {};
    const { plugin } = pluginWith((server) => {
      server.handleRequest('components/execute', async (params, rpc) => {
        const observability = (params as { observability: unknown }).observability;
        const call = async (method: string, body: Record<string, unknown>): Promise<unknown> => {
          try {
            return await rpc.request(method, { ...body, observability });
          } catch (error) {
            return JsonRpcError.isInstance(error) ? error.toJson() : String(error);
          }
        };
        answers.put = await call('blobs/put', { data: { x: 1 }, blob_type: 'data' });
        answers.get = await call('blobs/get', { blob_id: 'a'.repeat(64) });
        answers.badParams = await call('blobs/put', { blob_type: 'nonsense' });
        answers.evaluate = await call('flows/evaluate', { flow_id: 'f'.repeat(64), input: {} });
        answers.metadata = await call('flows/get_metadata', {
          flow_id: 'f'.repeat(64),
          step_id: 'nope',
        });
        answers.missingFlow = await call('flows/submit_batch', {
          flow_id: '0'.repeat(64),
          inputs: [],
        });
        answers.batch = await call('flows/get_batch', { batch_id: 'not-a-uuid' });
        answers.crash = await call('flows/evaluate', { flow_id: 'e'.repeat(64), input: {} });
        return { output: 'done' };
      });
    });
    const flowServices = services({
      getBlob: async () => {
        throw new RuntimeServiceError(-32000, 'Failed to get blob', { reason: 'no blob' });
      },
      evaluateFlow: async (flowId) => {
        if (flowId === 'e'.repeat(64)) throw new Error('exploded');
        return { result: { outcome: 'success', result: 42 }, runId: 'nested' };
      },
      getFlowMetadata: async (_flowId, stepId) => {
        if (stepId !== undefined)
          throw new RuntimeServiceError(-32011, `Not found: step with ID '${stepId}'`);
        return { flow_metadata: { k: 'v' } };
      },
      submitBatch: async (flowId) => {
        throw new RuntimeServiceError(-32011, `Not found: flow with ID '${flowId}'`);
      },
      getBatch: async () => {
        throw new RuntimeServiceError(
          -32012,
          "Invalid value for field 'batch_id': expected valid UUID",
        );
      },
    });
    await plugin.execute({
      component: '/x',
      input: {},
      context: context({ services: flowServices }),
    });
    expect(answers.put).toEqual({ blob_id: 'b'.repeat(64) });
    expect(answers.get).toEqual({
      code: -32000,
      message: 'Failed to get blob',
      data: { reason: 'no blob' },
    });
    expect(answers.badParams).toMatchObject({ code: -32602 });
    expect(answers.evaluate).toEqual({ result: { outcome: 'success', result: 42 } });
    expect(answers.metadata).toEqual({ flow_metadata: { k: 'v' }, step_metadata: null });
    expect(answers.missingFlow).toEqual({
      code: -32011,
      message: `Not found: flow with ID '${'0'.repeat(64)}'`,
    });
    expect(answers.batch).toEqual({
      code: -32012,
      message: "Invalid value for field 'batch_id': expected valid UUID",
    });
    expect(answers.crash).toEqual({
      code: -32000,
      message: 'Failed to evaluate flow',
      data: { reason: 'exploded' },
    });
  });

  it('matches callbacks to executions by run and step, and refuses ambiguous flow callbacks', async () => {
    const results: Record<string, unknown> = {};
    const barrier = (count: number): (() => Promise<void>) => {
      let arrived = 0;
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      return async () => {
        if (++arrived === count) open();
        await opened;
      };
    };
    const bothStarted = barrier(2);
    const bothCalled = barrier(2);
    const { plugin } = pluginWith((server) => {
      server.handleRequest('components/execute', async (params, rpc) => {
        const { observability, input } = params as {
          observability: Record<string, unknown>;
          input: string;
        };
        await bothStarted();
        results[`${input}-own`] = await rpc.request('flows/evaluate', {
          flow_id: 'f'.repeat(64),
          input: {},
          observability,
        });
        results[`${input}-none`] = await rpc
          .request('flows/evaluate', { flow_id: 'f'.repeat(64), input: {} })
          .catch((error: unknown) => (JsonRpcError.isInstance(error) ? error.toJson() : error));
        results[`${input}-blob`] = await rpc.request('blobs/put', { data: 1, blob_type: 'data' });
        await bothCalled();
        return { output: null };
      });
    });
    const servicesFor = (tag: string): RuntimeServices =>
      services({
        evaluateFlow: async () => ({ result: { outcome: 'success', result: tag }, runId: 'n' }),
      });
    await Promise.all([
      plugin.execute({
        component: '/x',
        input: 'a',
        context: context({ stepId: 'a', services: servicesFor('A') }),
      }),
      plugin.execute({
        component: '/x',
        input: 'b',
        context: context({ stepId: 'b', services: servicesFor('B') }),
      }),
    ]);
    expect(results['a-own']).toEqual({ result: { outcome: 'success', result: 'A' } });
    expect(results['b-own']).toEqual({ result: { outcome: 'success', result: 'B' } });
    expect(results['a-none']).toMatchObject({
      code: -32000,
      message: expect.stringContaining('no execution in flight matches'),
    });
    expect(results['a-blob']).toEqual({ blob_id: 'b'.repeat(64) });
  });

  it('stops waiting for a server when the execution is aborted', async () => {
    const { plugin } = pluginWith((server) => {
      server.handleRequest('components/execute', () => new Promise(() => undefined));
    });
    const controller = new AbortController();
    const pending = plugin.execute({
      component: '/x',
      input: {},
      context: context({ signal: controller.signal }),
    });
    controller.abort(new Error('step timed out'));
    await expect(pending).rejects.toThrow('step timed out');
  });

  it('lets every execution waiting for the server with one signal share one abort listener', async () => {
    const { plugin } = pluginWith((server) => {
      server.handleRequest('components/execute', () => new Promise(() => undefined));
    });
    const controller = new AbortController();
    const pending = ['a', 'b', 'c'].map((stepId) =>
      plugin.execute({
        component: '/x',
        input: {},
        context: context({ stepId, signal: controller.signal }),
      }),
    );
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort(new Error('run cancelled'));
    for (const execution of pending) await expect(execution).rejects.toThrow('run cancelled');
  });

  it('refuses work after close', async () => {
    const { plugin } = pluginWith(() => undefined);
    await plugin.close();
    await expect(plugin.listComponents()).rejects.toThrow(
      "component server plugin 'fake' is closed",
    );
  });

  it('names the field of a bad config', () => {
    const factory = createStepflowPluginFactory({ transports: {} });
    const args = { name: 'p', workingDirectory: '/tmp', logger: silentLogger };
    expect(() =>
      factory({ ...args, config: { type: 'stepflow', transport: 'stdio', command: 'x' } }),
    ).toThrow("plugins.p.transport: transport 'stdio' is not available in this build");
    expect(() =>
      factory({ ...args, config: { type: 'stepflow', transport: 'carrier-pigeon' } }),
    ).toThrow(ConfigError);
    expect(() => factory({ ...args, config: { type: 'stepflow', transport: 'http' } })).toThrow(
      'not available',
    );
    const withStdio = createStepflowPluginFactory({ transports: { stdio: () => ({}) as never } });
    expect(() =>
      withStdio({
        ...args,
        config: { type: 'stepflow', transport: 'stdio', command: 'x', defaultTimeoutMs: -1 },
      }),
    ).toThrow("plugins.p.defaultTimeoutMs: 'defaultTimeoutMs' must be a positive integer");
  });
});

describe('resolveStdioLaunch', () => {
  const parent = { PATH: '/usr/bin', HOME: '/home/u', LC_ALL: 'C', SECRET: 's', OTHER: 'o' };

  it('passes only the default variables plus env, resolving relative commands against cwd', () => {
    const launch = resolveStdioLaunch(
      'p',
      { command: './bin/server', args: ['--x'], env: { MODE: 'test' }, cwd: 'sub' },
      '/work',
      parent,
    );
    expect(launch).toEqual({
      command: '/work/sub/bin/server',
      args: ['--x'],
      env: { PATH: '/usr/bin', HOME: '/home/u', LC_ALL: 'C', MODE: 'test' },
      cwd: '/work/sub',
    });
  });

  it('inherits everything with inheritEnv: true, or the listed names', () => {
    expect(
      resolveStdioLaunch('p', { command: 'node', inheritEnv: true }, '/w', parent).env,
    ).toEqual(parent);
    expect(
      resolveStdioLaunch('p', { command: 'node', inheritEnv: ['OTHER'] }, '/w', parent).env,
    ).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/u',
      LC_ALL: 'C',
      OTHER: 'o',
    });
  });

  it('names the field at fault', () => {
    expect(() => resolveStdioLaunch('p', { command: '' }, '/w', parent)).toThrow(
      'plugins.p.command',
    );
    expect(() => resolveStdioLaunch('p', { command: 'x', args: [1] }, '/w', parent)).toThrow(
      'plugins.p.args',
    );
    expect(() => resolveStdioLaunch('p', { command: 'x', env: [] }, '/w', parent)).toThrow(
      'plugins.p.env',
    );
    expect(() =>
      resolveStdioLaunch('p', { command: 'x', inheritEnv: 'yes' }, '/w', parent),
    ).toThrow('plugins.p.inheritEnv');
  });
});
