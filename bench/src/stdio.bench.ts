// JSON-RPC round trips per second over stdio to a child echo process: the library (peer +
// stdio transport on both ends) against a bare newline-JSON echo loop measured in the same run.
import { fileURLToPath } from 'node:url';
import { createJsonRpcPeer } from '@stepflow/jsonrpc';
import { spawnStdioTransport } from '@stepflow/transport-stdio';
import type { BenchRow } from './bench-row.ts';
import { spawnRawNewlineClient } from './raw-newline-client.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

const PAYLOAD = { text: 'hello, stepflow', n: 42, tags: ['a', 'b', 'c'] };
const ROUNDS = 3;
const ROUND_MS = 1500;
const WARMUP_MS = 300;
const IN_FLIGHT = [1, 64] as const;

interface EchoClient {
  request(params: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/** The baseline: what a hand-written newline-JSON client and echo child do, nothing more. */
async function rawClient(): Promise<EchoClient> {
  const client = await spawnRawNewlineClient(fixture('raw-echo-child.mjs'));
  return {
    request: (params) => client.request('echo', params),
    close: () => client.close(),
  };
}

/** The library on both ends. */
async function libraryClient(): Promise<EchoClient> {
  const peer = createJsonRpcPeer(
    spawnStdioTransport({ command: process.execPath, args: [fixture('library-echo-child.mjs')] }),
  );
  await peer.start();
  return {
    request: (params) => peer.request('echo', params),
    close: () => peer.close(),
  };
}

/** Round trips per second with `inFlight` requests outstanding at all times. */
async function roundTripsPerSecond(client: EchoClient, inFlight: number, ms: number) {
  let count = 0;
  const started = performance.now();
  const deadline = started + ms;
  const worker = async () => {
    while (performance.now() < deadline) {
      await client.request(PAYLOAD);
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

export default async function stdioBench(): Promise<BenchRow[]> {
  const raw = await rawClient();
  const library = await libraryClient();
  const rows: BenchRow[] = [];
  try {
    for (const inFlight of IN_FLIGHT) {
      await roundTripsPerSecond(raw, inFlight, WARMUP_MS);
      await roundTripsPerSecond(library, inFlight, WARMUP_MS);
      const rawRates: number[] = [];
      const libraryRates: number[] = [];
      // Alternate so both see the same machine load (2 shared cores).
      for (let round = 0; round < ROUNDS; round++) {
        rawRates.push(await roundTripsPerSecond(raw, inFlight, ROUND_MS));
        libraryRates.push(await roundTripsPerSecond(library, inFlight, ROUND_MS));
      }
      const rawRate = median(rawRates);
      const libraryRate = median(libraryRates);
      const sample = `median of ${ROUNDS} × ${ROUND_MS / 1000} s`;
      rows.push(
        {
          name: `stdio echo, ${inFlight} in flight: raw newline-JSON loop`,
          value: rawRate,
          unit: 'req/s',
          note: `baseline, no library; ${sample}`,
        },
        {
          name: `stdio echo, ${inFlight} in flight: @stepflow/jsonrpc`,
          value: libraryRate,
          unit: 'req/s',
          note: `peer + transport-stdio on both ends; ${sample}`,
        },
        {
          name: `stdio echo, ${inFlight} in flight: library / raw`,
          value: libraryRate / rawRate,
          unit: 'x',
          note:
            inFlight === 64
              ? 'goal ≥ 0.70; the library writes all messages of a tick in one write(), the raw loop one per message'
              : '',
        },
      );
    }
  } finally {
    await Promise.all([raw.close(), library.close()]);
  }
  return rows;
}
