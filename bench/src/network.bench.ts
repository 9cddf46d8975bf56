// JSON-RPC round trips per second over loopback HTTP and WebSocket: the library (peer +
// transport on both ends, in this process) against bare undici keep-alive POSTs to a node:http
// echo server and bare ws message round trips, measured in the same run; and a flow fanning out
// to 1,000 echo steps through the runtime's component plugin to a server-sdk server over each.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createJsonRpcPeer } from '@stepflow/jsonrpc';
import type { Flow } from '@stepflow/protocol';
import { createRuntime, createStepflowPluginFactory, resolveConfig } from '@stepflow/runtime';
import { createComponentServer, serveHttp, serveWebSocket } from '@stepflow/server-sdk';
import type { JsonRpcPeer, Transport } from '@stepflow/jsonrpc';
import {
  createHttpClientTransport,
  createStreamableHttpHandler,
  listenHttp,
} from '@stepflow/transport-http';
import { createWebSocketClientTransport, listenWebSocket } from '@stepflow/transport-ws';
import { Pool } from 'undici';
import { WebSocket, WebSocketServer } from 'ws';
import type { BenchRow } from './bench-row.ts';

const PAYLOAD = { text: 'hello, stepflow', n: 42, tags: ['a', 'b', 'c'] };
const IN_FLIGHT = 64;
const ROUNDS = 3;
const ROUND_MS = 1500;
const WARMUP_MS = 300;

interface EchoClient {
  request(params: unknown): Promise<unknown>;
  close(): Promise<void>;
}

interface RpcMessage {
  readonly id: number;
  readonly params?: unknown;
  readonly result?: unknown;
}

const echoOf = (body: string): string => {
  const message = JSON.parse(body) as RpcMessage;
  return JSON.stringify({ jsonrpc: '2.0', id: message.id, result: message.params });
};

/** Baseline: undici keep-alive POSTs to a node:http server that echoes the params. */
async function rawHttpClient(): Promise<EchoClient> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(echoOf(Buffer.concat(chunks).toString('utf8')));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
    connections: 256,
  });
  let nextId = 1;
  return {
    async request(params) {
      const body = JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: 'echo', params });
      const response = await pool.request({
        path: '/',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body,
      });
      return (JSON.parse(await response.body.text()) as RpcMessage).result;
    },
    async close() {
      await pool.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Baseline: one ws socket, a pending map, and a ws server that echoes the params. */
async function rawWebSocketClient(): Promise<EchoClient> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => {
    socket.on('message', (data: Buffer) => socket.send(echoOf(data.toString('utf8'))));
  });
  const socket = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
    perMessageDeflate: false,
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const pending = new Map<number, (result: unknown) => void>();
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString('utf8')) as RpcMessage;
    const resolve = pending.get(message.id);
    pending.delete(message.id);
    resolve?.(message.result);
  });
  let nextId = 1;
  return {
    request(params) {
      const id = nextId++;
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, method: 'echo', params }));
      return new Promise((resolve) => pending.set(id, resolve));
    },
    async close() {
      socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function componentPeer(transport: Transport): JsonRpcPeer {
  const peer = createJsonRpcPeer(transport);
  peer.handleRequest('echo', (params) => params);
  // One callback to the runtime per request: over HTTP this turns the response into SSE.
  peer.handleRequest('echo-via-callback', (params, ctx) => ctx.request('echo', params));
  return peer;
}

async function runtimeClient(
  transport: Transport,
  method: string,
  close: () => Promise<void>,
): Promise<EchoClient> {
  const peer = createJsonRpcPeer(transport);
  peer.handleRequest('echo', (params) => params);
  await peer.start();
  return {
    request: (params) => peer.request(method, params),
    close: async () => {
      await peer.close();
      await close();
    },
  };
}

/** The library over streamable HTTP: `method` `echo` (JSON) or `echo-via-callback` (SSE). */
async function libraryHttpClient(method: string): Promise<EchoClient> {
  const handler = createStreamableHttpHandler();
  const component = componentPeer(handler.transport);
  await component.start();
  const listener = await listenHttp(handler);
  return runtimeClient(createHttpClientTransport({ url: listener.url }), method, async () => {
    await component.close();
    await listener.close();
  });
}

/** The library over WebSocket. */
async function libraryWebSocketClient(): Promise<EchoClient> {
  const components: JsonRpcPeer[] = [];
  const listener = await listenWebSocket({
    onConnection: (transport) => {
      const component = componentPeer(transport);
      components.push(component);
      void component.start();
    },
  });
  return runtimeClient(createWebSocketClientTransport({ url: listener.url }), 'echo', async () => {
    await Promise.all(components.map((component) => component.close()));
    await listener.close();
  });
}

const FAN_OUT_STEPS = 1000;

/** Steps per second of a flow of 1,000 parallel echo steps, served over `transport`. */
async function fanOutStepsPerSecond(transport: 'http' | 'websocket'): Promise<Rate> {
  const server = createComponentServer({ name: 'bench', version: '1.0.0', writeLog: () => {} });
  server.component('echo', {}, (input) => input);
  const handle =
    transport === 'http'
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
          websocket: (config) =>
            createWebSocketClientTransport({ url: config.url, reconnect: false }),
        },
      }),
    },
  });
  const flow = {
    schema: 'https://stepflow.org/schemas/v1/flow.json',
    steps: Array.from({ length: FAN_OUT_STEPS }, (_, i) => ({
      id: `s${i}`,
      component: '/net/echo',
      input: { i, ...PAYLOAD },
    })),
    output: { last: { $from: { step: `s${FAN_OUT_STEPS - 1}` } } },
  } as unknown as Flow;
  const rates: Rate[] = [];
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      const { result } = await runtime.run({ flow, input: {} });
      if (result.outcome !== 'success') {
        throw new Error(
          `fan-out over ${transport} failed: ${JSON.stringify(result).slice(0, 300)}`,
        );
      }
      // Round 0 warms up (server start, handshake, JIT).
      const used = process.cpuUsage(cpu);
      if (round > 0) {
        rates.push({
          perSecond: FAN_OUT_STEPS / ((performance.now() - started) / 1000),
          cpuMicros: (used.user + used.system) / FAN_OUT_STEPS,
        });
      }
    }
  } finally {
    await runtime.close();
    await handle.close();
  }
  return {
    perSecond: median(rates.map((rate) => rate.perSecond)),
    cpuMicros: median(rates.map((rate) => rate.cpuMicros)),
  };
}

interface Rate {
  /** Round trips per second. */
  readonly perSecond: number;
  /** CPU time of this process per round trip, in µs (both ends run here). */
  readonly cpuMicros: number;
}

/** Round trips per second with `inFlight` requests outstanding at all times. */
async function roundTripsPerSecond(
  client: EchoClient,
  inFlight: number,
  ms: number,
): Promise<Rate> {
  let count = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + ms;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await client.request(PAYLOAD);
      count++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const used = process.cpuUsage(cpu);
  return {
    perSecond: count / ((performance.now() - started) / 1000),
    cpuMicros: (used.user + used.system) / count,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Measures clients alternately (so they see the same machine load); returns their medians. */
/**
 * Measures clients alternately (so they see the same machine load); returns the median rate and
 * the median CPU time per round trip of each. CPU time is the steadier figure on a shared machine.
 */
async function measure(clients: EchoClient[]): Promise<Rate[]> {
  for (const client of clients) await roundTripsPerSecond(client, IN_FLIGHT, WARMUP_MS);
  const rates = clients.map((): Rate[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, client] of clients.entries()) {
      rates[i]!.push(await roundTripsPerSecond(client, IN_FLIGHT, ROUND_MS));
    }
  }
  return rates.map((list) => ({
    perSecond: median(list.map((rate) => rate.perSecond)),
    cpuMicros: median(list.map((rate) => rate.cpuMicros)),
  }));
}

export default async function networkBench(): Promise<BenchRow[]> {
  const sample = `median of ${ROUNDS} × ${ROUND_MS / 1000} s, ${IN_FLIGHT} in flight, loopback, one process`;
  const fanOutNote = (raw: number): string =>
    `${FAN_OUT_STEPS} parallel steps, runtime + plugin + server-sdk, median of ${ROUNDS} runs; goal ≥ 0.40 × raw (${(0.4 * raw).toFixed(0)})`;
  const rows: BenchRow[] = [];
  const cpuRows = (label: string, raw: Rate, library: Rate): BenchRow[] => [
    {
      name: `${label}: raw CPU per round trip`,
      value: raw.cpuMicros,
      unit: 'µs',
      note: 'both ends in this process',
    },
    { name: `${label}: library CPU per round trip`, value: library.cpuMicros, unit: 'µs' },
    {
      name: `${label}: raw / library CPU`,
      value: raw.cpuMicros / library.cpuMicros,
      unit: 'x',
      note: 'the load-independent efficiency figure',
    },
  ];

  const http = [
    await rawHttpClient(),
    await libraryHttpClient('echo'),
    await libraryHttpClient('echo-via-callback'),
  ];
  try {
    const [raw, library, callback] = (await measure(http)) as [Rate, Rate, Rate];
    const fanOut = await fanOutStepsPerSecond('http');
    rows.push(
      {
        name: 'HTTP echo: raw undici keep-alive POST',
        value: raw.perSecond,
        unit: 'req/s',
        note: `baseline; ${sample}`,
      },
      {
        name: 'HTTP echo: peer + transport-http',
        value: library.perSecond,
        unit: 'req/s',
        note: 'plain JSON responses',
      },
      {
        name: 'HTTP echo: library / raw',
        value: library.perSecond / raw.perSecond,
        unit: 'x',
        note: 'goal ≥ 0.40',
      },
      ...cpuRows('HTTP echo', raw, library),
      {
        name: 'HTTP echo with one callback (SSE)',
        value: callback.perSecond,
        unit: 'req/s',
        note: `2 POSTs + SSE per request; ${(callback.perSecond / raw.perSecond).toFixed(2)} × raw`,
      },
      {
        name: 'HTTP fan-out of 1,000 echo steps',
        value: fanOut.perSecond,
        unit: 'steps/s',
        note: fanOutNote(raw.perSecond),
      },
      {
        name: 'HTTP fan-out / raw',
        value: fanOut.perSecond / raw.perSecond,
        unit: 'x',
        note: 'goal ≥ 0.40',
      },
      {
        name: 'HTTP fan-out: CPU per step',
        value: fanOut.cpuMicros,
        unit: 'µs',
        note: 'runtime + plugin + both transports + server-sdk, one process',
      },
    );
  } finally {
    await Promise.all(http.map((client) => client.close()));
  }

  const ws = [await rawWebSocketClient(), await libraryWebSocketClient()];
  try {
    const [raw, library] = (await measure(ws)) as [Rate, Rate];
    const fanOut = await fanOutStepsPerSecond('websocket');
    rows.push(
      {
        name: 'WebSocket echo: raw ws messages',
        value: raw.perSecond,
        unit: 'req/s',
        note: `baseline; ${sample}`,
      },
      { name: 'WebSocket echo: peer + transport-ws', value: library.perSecond, unit: 'req/s' },
      {
        name: 'WebSocket echo: library / raw',
        value: library.perSecond / raw.perSecond,
        unit: 'x',
        note: 'goal ≥ 0.40',
      },
      ...cpuRows('WebSocket echo', raw, library),
      {
        name: 'WebSocket fan-out of 1,000 echo steps',
        value: fanOut.perSecond,
        unit: 'steps/s',
        note: fanOutNote(raw.perSecond),
      },
      {
        name: 'WebSocket fan-out / raw',
        value: fanOut.perSecond / raw.perSecond,
        unit: 'x',
        note: 'goal ≥ 0.40',
      },
      {
        name: 'WebSocket fan-out: CPU per step',
        value: fanOut.cpuMicros,
        unit: 'µs',
        note: 'runtime + plugin + both transports + server-sdk, one process',
      },
    );
  } finally {
    await Promise.all(ws.map((client) => client.close()));
  }
  return rows;
}
