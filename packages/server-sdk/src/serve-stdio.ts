import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { createStdioServerTransport } from '@stepflow/transport-stdio';
import type { ComponentServer, ServerConnection } from './component-server.ts';

/** Options of {@link serveStdio}. */
export interface ServeStdioOptions {
  /** How long running executions may take to finish on SIGTERM/SIGINT or stdin EOF. Default 1500 ms (below the usual 2 s a runtime waits before SIGKILL). */
  readonly graceMs?: number;
  /** Exit the process once shut down (default `true`; tests embedding the server pass `false`). */
  readonly exitProcess?: boolean;
  /** Largest accepted message in bytes (default: the transport's, 32 MiB). */
  readonly maxMessageBytes?: number;
}

/** A server running on this process's stdin/stdout. */
export interface StdioServerHandle {
  /** The protocol connection. */
  readonly connection: ServerConnection;
  /** Resolves once the server has shut down (stdin ended or a signal arrived, and work settled). */
  readonly closed: Promise<void>;
}

const CONSOLE_METHODS = [
  'log',
  'info',
  'debug',
  'warn',
  'error',
  'trace',
  'dir',
  'table',
  'dirxml',
  'group',
  'groupCollapsed',
] as const;

/**
 * Serves `server` on this process's stdin/stdout, one JSON-RPC message per line.
 *
 * stdout carries protocol messages only: `console.log` and friends are redirected to stderr, and
 * so is any direct `process.stdout.write`, so a stray print can never corrupt the stream. The
 * process exits cleanly when stdin ends (the runtime went away) or on SIGTERM/SIGINT, after
 * running executions finish or, past the grace period, are failed.
 *
 * @example
 * ```ts
 * await serveStdio(server);
 * ```
 */
export async function serveStdio(
  server: ComponentServer,
  options: ServeStdioOptions = {},
): Promise<StdioServerHandle> {
  const graceMs = options.graceMs ?? 1500;
  const protocolOut = reserveStdout();
  const transport = createStdioServerTransport({
    stdout: protocolOut,
    ...(options.maxMessageBytes !== undefined && { maxMessageBytes: options.maxMessageBytes }),
  });
  const connection = await server.connect(transport, { closeGraceMs: graceMs });

  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(
      `[${server.name}] ${signal} received; shutting down (grace ${graceMs} ms)\n`,
    );
    void connection.shutdown({ graceMs });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  const closed = connection.closed.then(async () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    // Let the last responses leave before the process goes.
    await new Promise<void>((resolve) => protocolOut.end(resolve));
    if (options.exitProcess !== false) process.exit(0);
  });
  return { connection, closed };
}

let reserved: Writable | undefined;

/**
 * Routes everything but protocol messages away from stdout: returns a stream that writes to the
 * real stdout, and points `process.stdout.write` and the console at stderr.
 */
function reserveStdout(): Writable {
  if (reserved) return reserved;
  const stdout = process.stdout;
  const realWrite = stdout.write.bind(stdout) as (
    chunk: string | Buffer,
    callback: (error?: Error | null) => void,
  ) => boolean;
  reserved = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      realWrite(chunk, callback);
    },
    writev(chunks, callback) {
      const all = chunks.map((entry) => entry.chunk as string | Buffer);
      realWrite(
        all.every((chunk) => typeof chunk === 'string')
          ? all.join('')
          : Buffer.concat(all.map((c) => Buffer.from(c))),
        callback,
      );
    },
    final(callback) {
      callback();
    },
  });
  const stderr = process.stderr;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- bind() loses the overloads
  stdout.write = stderr.write.bind(stderr) as typeof stdout.write;
  const toStderr = new Console({ stdout: stderr, stderr });
  for (const method of CONSOLE_METHODS) {
    (console as unknown as Record<string, unknown>)[method] = (
      toStderr as unknown as Record<string, (...args: unknown[]) => void>
    )[method]!.bind(toStderr);
  }
  return reserved;
}
