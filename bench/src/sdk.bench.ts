// `components/execute` round trips per second through @stepflow/server-sdk to an echo component
// over stdio, against a bare newline-JSON echo child measured in the same run with the same client.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createJsonRpcPeer } from '@stepflow/jsonrpc';
import { spawnStdioTransport } from '@stepflow/transport-stdio';
import type { BenchRow } from './bench-row.ts';

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
  execute(): Promise<unknown>;
  close(): Promise<void>;
}

/** A hand-written newline-JSON client (no library), so only the child differs between rows. */
async function rawClient(script: string): Promise<Client> {
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  await once(child, 'spawn');
  const pending = new Map<number, (result: unknown) => void>();
  let nextId = 1;
  let buffer = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      const response = JSON.parse(line) as {
        id: number;
        result: unknown;
        error?: { message: string };
      };
      if (response.error) throw new Error(`${script}: ${response.error.message}`);
      const resolve = pending.get(response.id);
      pending.delete(response.id);
      resolve?.(response.result);
    }
  });
  return {
    execute() {
      const id = nextId++;
      child.stdin.write(
        `${JSON.stringify({ jsonrpc: '2.0', id, method: 'components/execute', params: PARAMS })}\n`,
      );
      return new Promise((resolve) => pending.set(id, resolve));
    },
    async close() {
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
    },
  };
}

/** Our runtime-side stack (peer + stdio transport) talking to the SDK child. */
async function libraryClient(script: string): Promise<Client> {
  const peer = createJsonRpcPeer(
    spawnStdioTransport({ command: process.execPath, args: [script] }),
  );
  await peer.start();
  await peer.request('initialize', { runtime_protocol_version: 1 });
  await peer.notify('initialized', {});
  return { execute: () => peer.request('components/execute', PARAMS), close: () => peer.close() };
}

async function roundTripsPerSecond(client: Client, inFlight: number, ms: number) {
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
  return count / ((performance.now() - started) / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export default async function sdkBench(): Promise<BenchRow[]> {
  const raw = await rawClient(fixture('raw-echo-child.mjs'));
  const sdk = await rawClient(fixture('sdk-echo-child.mjs'));
  const stack = await libraryClient(fixture('sdk-echo-child.mjs'));
  const rows: BenchRow[] = [];
  const sample = `median of ${ROUNDS} × ${ROUND_MS / 1000} s`;
  try {
    for (const inFlight of IN_FLIGHT) {
      for (const client of [raw, sdk, stack])
        await roundTripsPerSecond(client, inFlight, WARMUP_MS);
      const rates: Record<'raw' | 'sdk' | 'stack', number[]> = { raw: [], sdk: [], stack: [] };
      // Interleaved so all three see the same machine load (2 shared cores).
      for (let round = 0; round < ROUNDS; round++) {
        rates.raw.push(await roundTripsPerSecond(raw, inFlight, ROUND_MS));
        rates.sdk.push(await roundTripsPerSecond(sdk, inFlight, ROUND_MS));
        rates.stack.push(await roundTripsPerSecond(stack, inFlight, ROUND_MS));
      }
      const rawRate = median(rates.raw);
      const sdkRate = median(rates.sdk);
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
          name: `components/execute, ${inFlight} in flight: jsonrpc peer → server-sdk`,
          value: median(rates.stack),
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
