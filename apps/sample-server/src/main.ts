#!/usr/bin/env node
// Entry point: runs the sample component server (stdio by default; HTTP or WebSocket on request).
import { parseArgs } from 'node:util';
import { serveStdio } from '@stepflow/server-sdk';
import { serveHttp } from '@stepflow/server-sdk/http';
import { serveWebSocket } from '@stepflow/server-sdk/websocket';
import { createSampleServer } from './sample-server.ts';

const USAGE = `Usage: stepflow-sample-server [--transport stdio|http|websocket] [--host H] [--port P]
                             [--token T] [--allow-unauthenticated-udf]
                             [--max-concurrency N] [--timeout-ms MS]

stdio (default): the runtime spawns this process and speaks the protocol on stdin/stdout.
http / websocket: listen on --host (default 127.0.0.1) and --port (default 8080; 0 picks one);
the URL is printed on stderr. SIGTERM or SIGINT stops the server gracefully.
Requests must carry "Authorization: Bearer T" where T is --token (default: $STEPFLOW_TOKEN).
/udf runs arbitrary code sent by the client, so a network server without a token refuses to
start unless --allow-unauthenticated-udf accepts that risk.`;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function integer(text: string, flag: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw new UsageError(`${flag} must be an integer ≥ ${min}, got '${text}'`);
  }
  return value;
}

/** The token and `/udf` opt-in of a network server, checked before anything listens. */
function networkAuth(
  transport: string,
  flag: string | undefined,
  allowUnauthenticatedUdf: boolean,
): { token?: string; allowUnauthenticatedUdf: boolean } {
  if (transport === 'stdio') {
    if (flag !== undefined || allowUnauthenticatedUdf) {
      throw new UsageError('--token and --allow-unauthenticated-udf apply to http and websocket');
    }
    return { allowUnauthenticatedUdf };
  }
  if (flag === '') throw new UsageError('--token must not be empty');
  const token = flag ?? (process.env.STEPFLOW_TOKEN || undefined);
  if (token === undefined && !allowUnauthenticatedUdf) {
    throw new UsageError(
      `--transport ${transport} needs --token (or STEPFLOW_TOKEN): without one, any process ` +
        'that can connect could run arbitrary code through /udf. Pass ' +
        '--allow-unauthenticated-udf to serve without a token anyway.',
    );
  }
  return token === undefined ? { allowUnauthenticatedUdf } : { token, allowUnauthenticatedUdf };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      transport: { type: 'string', default: 'stdio' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8080' },
      'max-concurrency': { type: 'string' },
      'timeout-ms': { type: 'string' },
      token: { type: 'string' },
      'allow-unauthenticated-udf': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  const transport = values.transport;
  if (transport !== 'stdio' && transport !== 'http' && transport !== 'websocket') {
    throw new UsageError(
      `--transport ${transport} is not supported (use stdio, http or websocket)`,
    );
  }
  const server = createSampleServer({
    ...(values['max-concurrency'] !== undefined && {
      maxConcurrency: integer(values['max-concurrency'], '--max-concurrency', 1),
    }),
    ...(values['timeout-ms'] !== undefined && {
      executionTimeoutMs: integer(values['timeout-ms'], '--timeout-ms', 1),
    }),
  });
  const network = {
    host: values.host,
    port: integer(values.port, '--port', 0),
    ...networkAuth(transport, values.token, values['allow-unauthenticated-udf']),
  };
  let handle: { url: string; close(): Promise<void> };
  switch (transport) {
    case 'stdio':
      await serveStdio(server);
      return;
    case 'http':
      handle = await serveHttp(server, network);
      break;
    case 'websocket':
      handle = await serveWebSocket(server, network);
      break;
  }
  process.stderr.write(`stepflow-sample-server listening on ${handle.url}\n`);
  const stop = () => {
    void handle.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `stepflow-sample-server: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
  process.exit(2);
});
