// JSON-RPC round trips per second over loopback HTTP and WebSocket: the library (peer +
// transport on both ends, in this process) against bare undici keep-alive POSTs to a node:http
// echo server and bare ws message round trips, measured in the same run; and a flow fanning out
// to 1,000 echo steps through the runtime's component plugin to a server-sdk server over each,
// warmed up and measured alternately with the raw echo at the same 1,000 requests in flight (the
// goal ratio), plus its first run on a fresh runtime (cold JIT) on a row of its own.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createJsonRpcPeer } from '@stepflow/jsonrpc';
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
import { createEchoFanOut } from './echo-fan-out.ts';

const PAYLOAD = { text: 'hello, stepflow', n: 42, tags: ['a', 'b', 'c'] };
const IN_FLIGHT = 64;
const ROUNDS = 3;
const ROUND_MS = 1500;
const WARMUP_MS = 300;
/** Fan-out warm-up: several runs, so the runtime's code is optimised as the baseline's is. */
const FAN_OUT_WARMUP_MS = 1000;

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

/** A flow of 1,000 parallel echo steps through the runtime's component plugin, served over `transport`. */
interface FanOut {
  /** One run; its steps per second and CPU per step. */
  readonly run: () => Promise<Rate>;
  /** Runs back to back for at least `ms` (at least one run); the rate over all of them. */
  readonly round: Workload;
  close(): Promise<void>;
}

async function fanOut(transport: 'http' | 'websocket'): Promise<FanOut> {
  const fanOutRuntime = await createEchoFanOut(transport, FAN_OUT_STEPS);
  const { runtime, flow } = fanOutRuntime;
  const once = async (): Promise<void> => {
    const { result } = await runtime.run({ flow, input: {} });
    if (result.outcome !== 'success') {
      throw new Error(`fan-out over ${transport} failed: ${JSON.stringify(result).slice(0, 300)}`);
    }
  };
  const round = async (ms: number): Promise<Rate> => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    let steps = 0;
    do {
      await once();
      steps += FAN_OUT_STEPS;
    } while (performance.now() - started < ms);
    const used = process.cpuUsage(cpu);
    return {
      perSecond: steps / ((performance.now() - started) / 1000),
      cpuMicros: (used.user + used.system) / steps,
    };
  };
  return {
    run: () => round(0),
    round,
    close: () => fanOutRuntime.close(),
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

/** Something measured for a while: `ms` of work, its rate and CPU per operation. */
type Workload = (ms: number) => Promise<Rate>;

/** Echo round trips from `client` with `inFlight` outstanding, as a workload. */
const echoes =
  (client: EchoClient, inFlight: number): Workload =>
  (ms) =>
    roundTripsPerSecond(client, inFlight, ms);

/**
 * Measures workloads alternately (so they see the same machine load), after warming each up for
 * `warmupMs`; returns the median rate and the median CPU time per operation of each. CPU time is
 * the steadier figure on a shared machine.
 */
async function measure(workloads: Workload[], warmupMs: number): Promise<Rate[]> {
  for (const workload of workloads) await workload(warmupMs);
  const rates = workloads.map((): Rate[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, workload] of workloads.entries()) rates[i]!.push(await workload(ROUND_MS));
  }
  return rates.map((list) => ({
    perSecond: median(list.map((rate) => rate.perSecond)),
    cpuMicros: median(list.map((rate) => rate.cpuMicros)),
  }));
}

/**
 * The fan-out rows of one transport. The goal ratio compares like with like: the fan-out keeps
 * all 1,000 steps in flight, so its baseline is the raw echo with 1,000 in flight, both warmed up
 * the same way and measured alternately; the ratio to the 64-in-flight baseline is informational.
 * The first run on a fresh runtime (what a one-shot `stepflow run` sees: code not yet optimised by
 * the JIT) is reported on its own row rather than mixed into the median.
 */
function fanOutRows(label: string, narrow: Rate, wide: Rate, warm: Rate, first: Rate): BenchRow[] {
  return [
    {
      name: `${label} echo: raw, ${FAN_OUT_STEPS} in flight`,
      value: wide.perSecond,
      unit: 'req/s',
      note: `fan-out baseline; ${wide.cpuMicros.toFixed(1)} µs CPU per round trip`,
    },
    {
      name: `${label} fan-out of 1,000 echo steps`,
      value: warm.perSecond,
      unit: 'steps/s',
      note: `runtime + plugin + server-sdk; ${FAN_OUT_WARMUP_MS / 1000} s warm-up, median of ${ROUNDS} × ≥ ${ROUND_MS / 1000} s of back-to-back runs, alternating with the baseline`,
    },
    {
      name: `${label} fan-out / raw (${FAN_OUT_STEPS} in flight)`,
      value: warm.perSecond / wide.perSecond,
      unit: 'x',
      note: `goal ≥ 0.40 (${(0.4 * wide.perSecond).toFixed(0)} steps/s)`,
    },
    {
      name: `${label} fan-out / raw (${IN_FLIGHT} in flight)`,
      value: warm.perSecond / narrow.perSecond,
      unit: 'x',
      note: `informational: baseline at a different in-flight level`,
    },
    {
      name: `${label} fan-out: CPU per step`,
      value: warm.cpuMicros,
      unit: 'µs',
      note: 'runtime + plugin + both transports + server-sdk, one process',
    },
    {
      name: `${label} fan-out: first run on a fresh runtime`,
      value: first.perSecond,
      unit: 'steps/s',
      note: `cold JIT (a one-shot run); ${first.cpuMicros.toFixed(1)} µs CPU per step`,
    },
  ];
}

export default async function networkBench(): Promise<BenchRow[]> {
  const sample = `median of ${ROUNDS} × ${ROUND_MS / 1000} s, ${IN_FLIGHT} in flight, loopback, one process`;
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
    const [raw, library, callback] = (await measure(
      http.map((client) => echoes(client, IN_FLIGHT)),
      WARMUP_MS,
    )) as [Rate, Rate, Rate];
    const flows = await fanOut('http');
    try {
      const first = await flows.run();
      const [wide, warm] = (await measure(
        [echoes(http[0]!, FAN_OUT_STEPS), flows.round],
        FAN_OUT_WARMUP_MS,
      )) as [Rate, Rate];
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
        ...fanOutRows('HTTP', raw, wide, warm, first),
      );
    } finally {
      await flows.close();
    }
  } finally {
    await Promise.all(http.map((client) => client.close()));
  }

  const ws = [await rawWebSocketClient(), await libraryWebSocketClient()];
  try {
    const [raw, library] = (await measure(
      ws.map((client) => echoes(client, IN_FLIGHT)),
      WARMUP_MS,
    )) as [Rate, Rate];
    const flows = await fanOut('websocket');
    try {
      const first = await flows.run();
      const [wide, warm] = (await measure(
        [echoes(ws[0]!, FAN_OUT_STEPS), flows.round],
        FAN_OUT_WARMUP_MS,
      )) as [Rate, Rate];
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
        ...fanOutRows('WebSocket', raw, wide, warm, first),
      );
    } finally {
      await flows.close();
    }
  } finally {
    await Promise.all(ws.map((client) => client.close()));
  }
  return rows;
}
