// `components/execute` round trips per second through @stepflow/server-sdk to an echo component
// over stdio, against a bare newline-JSON echo child measured in the same run with the same client.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createJsonRpcPeer } from '@stepflow/jsonrpc';
import { spawnStdioTransport } from '@stepflow/transport-stdio';
import type { BenchRow } from './bench-row.ts';
import { spawnRawNewlineClient } from './raw-newline-client.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

const PARAMS = {
  component: '/echo',
  input: { text: 'hello, stepflow', n: 42, tags: ['a', 'b', 'c'] },
  attempt: 1,
  observability: {
    run_id: '4f7e2c1a-0000-4000-8000-000000000000',
    flow_id: 'f'.repeat(64),
    step_id: 'echo',
  },
};
const ROUNDS = 3;
const ROUND_MS = 1500;
const WARMUP_MS = 300;
const IN_FLIGHT = [1, 64] as const;

interface Client {
  /** The child's pid, for its CPU time. */
  readonly pid: number | undefined;
  execute(): Promise<unknown>;
  close(): Promise<void>;
}

const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) the child has used, in seconds, from `/proc` (Linux); `undefined`
 * elsewhere. Unlike throughput it hardly moves when other processes compete for the cores.
 */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** A hand-written newline-JSON client (no library), so only the child differs between rows. */
async function rawClient(script: string): Promise<Client> {
  const client = await spawnRawNewlineClient(script);
  return {
    pid: client.pid,
    execute: () => client.request('components/execute', PARAMS),
    close: () => client.close(),
  };
}

/** Our runtime-side stack (peer + stdio transport) talking to the SDK child. */
async function libraryClient(script: string): Promise<Client> {
  const transport = spawnStdioTransport({ command: process.execPath, args: [script] });
  const peer = createJsonRpcPeer(transport);
  await peer.start();
  await peer.request('initialize', { runtime_protocol_version: 1 });
  await peer.notify('initialized', {});
  return {
    pid: transport.pid,
    execute: () => peer.request('components/execute', PARAMS),
    close: () => peer.close(),
  };
}

interface Measure {
  readonly rate: number;
  /** Child CPU microseconds per round trip, when `/proc` is available. */
  readonly cpuUs: number | undefined;
}

async function measure(client: Client, inFlight: number, ms: number): Promise<Measure> {
  const cpuBefore = cpuSeconds(client.pid);
  let count = 0;
  const started = performance.now();
  const deadline = started + ms;
  const worker = async () => {
    while (performance.now() < deadline) {
      await client.execute();
      count++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const rate = count / ((performance.now() - started) / 1000);
  const cpuAfter = cpuSeconds(client.pid);
  const cpuUs =
    cpuBefore === undefined || cpuAfter === undefined
      ? undefined
      : ((cpuAfter - cpuBefore) * 1e6) / count;
  return { rate, cpuUs };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function medianCpu(values: Measure[]): number {
  const known = values.flatMap((value) => (value.cpuUs === undefined ? [] : [value.cpuUs]));
  return known.length === 0 ? Number.NaN : median(known);
}

export default async function sdkBench(): Promise<BenchRow[]> {
  const raw = await rawClient(fixture('raw-echo-child.mjs'));
  const sdk = await rawClient(fixture('sdk-echo-child.mjs'));
  const stack = await libraryClient(fixture('sdk-echo-child.mjs'));
  const rows: BenchRow[] = [];
  const sample = `median of ${ROUNDS} × ${ROUND_MS / 1000} s`;
  try {
    for (const inFlight of IN_FLIGHT) {
      for (const client of [raw, sdk, stack]) await measure(client, inFlight, WARMUP_MS);
      const runs: Record<'raw' | 'sdk' | 'stack', Measure[]> = { raw: [], sdk: [], stack: [] };
      // Interleaved so all three see the same machine load (2 shared cores).
      for (let round = 0; round < ROUNDS; round++) {
        runs.raw.push(await measure(raw, inFlight, ROUND_MS));
        runs.sdk.push(await measure(sdk, inFlight, ROUND_MS));
        runs.stack.push(await measure(stack, inFlight, ROUND_MS));
      }
      const rawRate = median(runs.raw.map((run) => run.rate));
      const sdkRate = median(runs.sdk.map((run) => run.rate));
      const rawCpu = medianCpu(runs.raw);
      const sdkCpu = medianCpu(runs.sdk);
      rows.push(
        {
          name: `components/execute, ${inFlight} in flight: raw newline-JSON echo child`,
          value: rawRate,
          unit: 'req/s',
          note: `baseline, same client; ${sample}`,
        },
        {
          name: `components/execute, ${inFlight} in flight: server-sdk /echo`,
          value: sdkRate,
          unit: 'req/s',
          note: `raw client → serveStdio; ${sample}`,
        },
        {
          name: `components/execute, ${inFlight} in flight: server-sdk / raw`,
          value: sdkRate / rawRate,
          unit: 'x',
          note: inFlight === 64 ? 'goal ≥ 0.5' : '',
        },
        {
          name: `components/execute, ${inFlight} in flight: child CPU per request, raw / server-sdk`,
          value: rawCpu / sdkCpu,
          unit: 'x',
          note: `${rawCpu.toFixed(1)} µs raw vs ${sdkCpu.toFixed(1)} µs server-sdk (user+sys from /proc; load-independent)`,
        },
        {
          name: `components/execute, ${inFlight} in flight: jsonrpc peer → server-sdk`,
          value: median(runs.stack.map((run) => run.rate)),
          unit: 'req/s',
          note: `our runtime-side stack on both ends; ${sample}`,
        },
      );
    }
  } finally {
    await Promise.all([raw.close(), sdk.close(), stack.close()]);
  }
  return rows;
}
