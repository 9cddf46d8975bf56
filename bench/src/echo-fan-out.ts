// The fan-out both the network bench and the profiling driver measure: a runtime routing
// `/net/{*component}` through the stepflow plugin to an in-process server-sdk `/echo`, and a flow
// of independent echo steps.
import { createLinkedTransportPair } from '@stepflow/jsonrpc/testing';
import type { Flow } from '@stepflow/protocol';
import {
  createRuntime,
  createStepflowPluginFactory,
  resolveConfig,
  type Runtime,
} from '@stepflow/runtime';
import { createComponentServer } from '@stepflow/server-sdk';
import { serveHttp } from '@stepflow/server-sdk/http';
import { serveWebSocket } from '@stepflow/server-sdk/websocket';
import { createHttpClientTransport } from '@stepflow/transport-http';
import { createWebSocketClientTransport } from '@stepflow/transport-ws';

/** Where the echo server sits: a loopback socket, or a linked in-memory pair (no sockets). */
export type EchoFanOutMode = 'http' | 'websocket' | 'memory';

/** A runtime wired to an echo server, and the fan-out flow to run on it. */
export interface EchoFanOut {
  readonly runtime: Runtime;
  /** `steps` independent `/net/echo` steps; the output is the last one's. */
  readonly flow: Flow;
  /** Drops the messages an in-memory pair records (call between runs so they do not pile up). */
  forgetSent(): void;
  close(): Promise<void>;
}

const PAYLOAD = { text: 'hello, stepflow', n: 42, tags: ['a', 'b', 'c'] };

/** Starts the echo server and a runtime routed to it. */
export async function createEchoFanOut(mode: EchoFanOutMode, steps: number): Promise<EchoFanOut> {
  const transport = mode === 'memory' ? 'websocket' : mode;
  const recorded: unknown[][] = [];
  const server = createComponentServer({
    name: 'bench',
    version: '1.0.0',
    udf: false,
    writeLog: () => {},
  });
  server.component('echo', {}, (input) => input);
  const handle =
    mode === 'memory'
      ? { url: 'memory://', close: async () => {} }
      : mode === 'http'
        ? await serveHttp(server, { port: 0, graceMs: 0 })
        : await serveWebSocket(server, { port: 0, graceMs: 0 });
  const loaded = resolveConfig(
    {
      plugins: { net: { type: 'stepflow', transport, url: handle.url } },
      routes: { '/net/{*component}': [{ plugin: 'net' }] },
    },
    { baseDirectory: process.cwd() },
  );
  const runtime = createRuntime({
    config: loaded.config,
    workingDirectory: loaded.workingDirectory,
    pluginFactories: {
      stepflow: createStepflowPluginFactory({
        transports: {
          http: (config) => createHttpClientTransport({ url: config.url, closeOnServerLoss: true }),
          websocket: (config) => {
            if (mode !== 'memory') {
              return createWebSocketClientTransport({ url: config.url, reconnect: false });
            }
            const [client, component] = createLinkedTransportPair();
            void server.connect(component);
            recorded.push(client.sent as unknown[], component.sent as unknown[]);
            return client;
          },
        },
      }),
    },
  });
  const flow = {
    schema: 'https://stepflow.org/schemas/v1/flow.json',
    steps: Array.from({ length: steps }, (_, i) => ({
      id: `s${i}`,
      component: '/net/echo',
      input: { i, ...PAYLOAD },
    })),
    output: { last: { $from: { step: `s${steps - 1}` } } },
  } as unknown as Flow;
  return {
    runtime,
    flow,
    forgetSent() {
      for (const list of recorded) list.length = 0;
    },
    async close() {
      await runtime.close();
      await handle.close();
    },
  };
}
