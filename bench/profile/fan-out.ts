// Profiling driver (not a bench file): repeated 1,000-step echo fan-outs through the runtime, the
// stepflow plugin and a server-sdk server, in one process; prints CPU per step and steps/s.
// Usage: node --import tsx [--cpu-prof] profile/fan-out.ts websocket|http|memory [runs]
// VERBOSE=1 prints every run (the first ones show the JIT warming up). `--import <hook>` that
// defines `globalThis.__afterRuns` gets called after the last run (e.g. to stop a heap profile).
import { createLinkedTransportPair } from '@stepflow/jsonrpc/testing';
import type { Flow } from '@stepflow/protocol';
import { createRuntime, createStepflowPluginFactory, resolveConfig } from '@stepflow/runtime';
import { createComponentServer, serveHttp, serveWebSocket } from '@stepflow/server-sdk';
import { createHttpClientTransport } from '@stepflow/transport-http';
import { createWebSocketClientTransport } from '@stepflow/transport-ws';

// `memory`: a linked in-memory transport pair (JSON round trip, no sockets): the runtime, plugin,
// peer and server-sdk cost alone.
const mode = (process.argv[2] ?? 'websocket') as 'http' | 'websocket' | 'memory';
const transport = mode === 'memory' ? 'websocket' : mode;
const runs = Number(process.argv[3] ?? 10);
const STEPS = 1000;
const forget: unknown[][] = [];
const PAYLOAD = { text: 'hello, stepflow', n: 42, tags: ['a', 'b', 'c'] };
const server = createComponentServer({ name: 'bench', version: '1.0.0', writeLog: () => {} });
server.component('echo', {}, (input) => input);
const handle =
  mode === 'memory'
    ? { url: 'memory://', close: async () => {} }
    : transport === 'http'
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
          // The pair records every message sent; forget them so they do not pile up.
          forget.push(client.sent as unknown[], component.sent as unknown[]);
          return client;
        },
      },
    }),
  },
});
const flow = {
  schema: 'https://stepflow.org/schemas/v1/flow.json',
  steps: Array.from({ length: STEPS }, (_, i) => ({
    id: `s${i}`,
    component: '/net/echo',
    input: { i, ...PAYLOAD },
  })),
  output: { last: { $from: { step: `s${STEPS - 1}` } } },
} as unknown as Flow;
const cpus: number[] = [];
const rates: number[] = [];
for (let round = 0; round <= runs; round++) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const { result } = await runtime.run({ flow, input: {} });
  if (result.outcome !== 'success') throw new Error(JSON.stringify(result).slice(0, 300));
  const used = process.cpuUsage(cpu);
  for (const list of forget) list.length = 0;
  const cpuMicros = (used.user + used.system) / STEPS;
  const perSecond = STEPS / ((performance.now() - started) / 1000);
  if (process.env.VERBOSE)
    console.log(`run ${round}: ${cpuMicros.toFixed(1)} µs, ${perSecond.toFixed(0)}/s`);
  if (round > 0) {
    cpus.push(cpuMicros);
    rates.push(perSecond);
  }
}
await (globalThis as { __afterRuns?: () => Promise<void> }).__afterRuns?.();
await runtime.close();
await handle.close();
const med = (v: number[]): number =>
  v.length === 0 ? Number.NaN : [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
console.log(
  `${mode}: ${med(cpus).toFixed(1)} µs CPU per step (min ${Math.min(...cpus).toFixed(1)}), ${med(rates).toFixed(0)} steps/s, median of ${runs} runs after one`,
);
