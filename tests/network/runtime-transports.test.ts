// The same flows through the runtime's component plugin over stdio, HTTP and WebSocket:
// callbacks during execution and concurrent executions.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Flow } from '@stepflow/protocol';
import {
  createRuntime,
  createStepflowPluginFactory,
  resolveConfig,
  type Runtime,
} from '@stepflow/runtime';
import { createHttpClientTransport } from '@stepflow/transport-http';
import { spawnStdioTransport } from '@stepflow/transport-stdio';
import { createWebSocketClientTransport } from '@stepflow/transport-ws';
import { afterEach, describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/component-server.mjs', import.meta.url));
const FLOW_SCHEMA = 'https://stepflow.org/schemas/v1/flow.json';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface NetworkServer {
  readonly url: string;
  readonly child: ChildProcess;
  /** Lines the server wrote to stderr. */
  readonly stderr: AsyncIterator<string>;
}

/** Starts the fixture server as a network service (on `port`, default a free one). */
async function startNetworkServer(mode: 'http' | 'websocket', port = 0): Promise<NetworkServer> {
  const child: ChildProcess = spawn(process.execPath, [fixture, mode, String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
  });
  const stderr = createInterface({ input: child.stderr! })[Symbol.asyncIterator]();
  const first = await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next();
  if (first.done === true) throw new Error(`the ${mode} fixture server exited before its URL`);
  return { url: first.value, child, stderr };
}

async function pluginConfig(
  mode: 'stdio' | 'http' | 'websocket',
): Promise<Record<string, unknown>> {
  if (mode === 'stdio') {
    return {
      type: 'stepflow',
      transport: 'stdio',
      command: process.execPath,
      args: [fixture, 'stdio'],
    };
  }
  return { type: 'stepflow', transport: mode, url: (await startNetworkServer(mode)).url };
}

async function runtimeFor(
  mode: 'stdio' | 'http' | 'websocket',
  plugin?: Record<string, unknown>,
): Promise<Runtime> {
  const loaded = resolveConfig(
    {
      plugins: { builtin: { type: 'builtin' }, net: plugin ?? (await pluginConfig(mode)) },
      routes: {
        '/net/{*component}': [{ plugin: 'net' }],
        '/builtin/{*component}': [{ plugin: 'builtin' }],
      },
    },
    { baseDirectory: process.cwd(), env: process.env },
  );
  const runtime = createRuntime({
    config: loaded.config,
    workingDirectory: loaded.workingDirectory,
    pluginFactories: {
      stepflow: createStepflowPluginFactory({
        transports: {
          stdio: (launch) => spawnStdioTransport({ ...launch, killGraceMs: 500 }),
          http: (config) =>
            createHttpClientTransport({
              url: config.url,
              headers: config.headers,
              closeOnServerLoss: true,
              // Without end, so a server restarted on the same port is found again however long
              // a loaded machine takes to start it (the test's own timeout is the only bound).
              retry: { attempts: Number.MAX_SAFE_INTEGER, initialDelayMs: 20, maxDelayMs: 20 },
              ...(config.timeoutMs !== undefined && { timeoutMs: config.timeoutMs }),
            }),
          websocket: (config) =>
            createWebSocketClientTransport({
              url: config.url,
              headers: config.headers,
              reconnect: false,
            }),
        },
      }),
    },
  });
  cleanups.push(() => runtime.close());
  return runtime;
}

const flow = (steps: unknown[], output: unknown): Flow =>
  ({ schema: FLOW_SCHEMA, steps, output }) as unknown as Flow;
const fromInput = (path: string): unknown => ({ $from: { workflow: 'input' }, path });
const fromStep = (step: string, path?: string): unknown =>
  path === undefined ? { $from: { step } } : { $from: { step }, path };

describe.each(['stdio', 'http', 'websocket'] as const)('flows over %s', (mode) => {
  it('runs steps that call back into the runtime during execution', async () => {
    const runtime = await runtimeFor(mode);
    const { result } = await runtime.run({
      flow: flow(
        [
          { id: 'echo', component: '/net/echo', input: { value: fromInput('value') } },
          {
            id: 'double',
            component: '/net/double-via-blob',
            input: { value: fromStep('echo', 'value') },
          },
        ],
        { doubled: fromStep('double', 'doubled') },
      ),
      input: { value: 21 },
    });
    expect(result).toEqual({ outcome: 'success', result: { doubled: 42 } });
  });

  it('runs many executions concurrently', async () => {
    const runtime = await runtimeFor(mode);
    const steps = Array.from({ length: 24 }, (_, i) => ({
      id: `s${i}`,
      component: '/net/double-via-blob',
      input: { value: i },
    }));
    const output = Object.fromEntries(steps.map((step) => [step.id, fromStep(step.id, 'doubled')]));
    const { result } = await runtime.run({ flow: flow(steps, output), input: {} });
    expect(result).toEqual({
      outcome: 'success',
      result: Object.fromEntries(steps.map((step, i) => [step.id, i * 2])),
    });
  });
});

describe.each(['http', 'websocket'] as const)('a server killed mid-execution over %s', (mode) => {
  it('has the step retried, and the retry served by the server started again', async () => {
    const port = await unusedPort();
    const first = await startNetworkServer(mode, port);
    const runtime = await runtimeFor(mode, { type: 'stepflow', transport: mode, url: first.url });
    const running = runtime.run({
      flow: flow(
        [{ id: 'flaky', component: '/net/hang-on-first-attempt', input: { x: 1 } }],
        fromStep('flaky'),
      ),
      input: {},
    });
    expect((await first.stderr.next()).value).toBe('hanging');
    const exited = once(first.child, 'exit');
    first.child.kill('SIGKILL');
    await exited;
    await startNetworkServer(mode, port);
    expect((await running).result).toEqual({ outcome: 'success', result: { attempt: 2 } });
  });
});

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
