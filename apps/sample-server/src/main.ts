#!/usr/bin/env node
// Entry point: runs the sample component server (stdio by default).
import { parseArgs } from 'node:util';
import { serveStdio } from '@stepflow/server-sdk';
import { createSampleServer } from './sample-server.ts';

const USAGE = `Usage: stepflow-sample-server [--transport stdio] [--max-concurrency N] [--timeout-ms MS]

Serves the sample components over stdio (the runtime spawns this process).
--transport http|websocket are reserved for the network transports.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      transport: { type: 'string', default: 'stdio' },
      'max-concurrency': { type: 'string' },
      'timeout-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  const server = createSampleServer({
    ...(values['max-concurrency'] !== undefined && {
      maxConcurrency: positive(values['max-concurrency'], '--max-concurrency'),
    }),
    ...(values['timeout-ms'] !== undefined && {
      executionTimeoutMs: positive(values['timeout-ms'], '--timeout-ms'),
    }),
  });
  switch (values.transport) {
    case 'stdio':
      await serveStdio(server);
      return;
    default:
      // Hook for serveHttp / serveWebSocket once @stepflow/server-sdk has them.
      throw new UsageError(
        `--transport ${values.transport} is not supported by this build (use stdio)`,
      );
  }
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function positive(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`${flag} must be a positive integer, got '${text}'`);
  return value;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `stepflow-sample-server: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
  process.exit(2);
});
