import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { resolve } from 'node:path';
import type { Logger } from '@stepflow/runtime';
import { CliError, ExitCode } from '../cli-error.ts';

/** One `test.servers` entry (§1.4; camelCase keys as REF reads them). */
interface TestServerSpec {
  readonly command?: unknown;
  readonly args?: unknown;
  readonly env?: unknown;
  readonly workingDirectory?: unknown;
  readonly portRange?: unknown;
  readonly healthCheck?: unknown;
  readonly startupTimeoutMs?: unknown;
  readonly shutdownTimeoutMs?: unknown;
}

/** Servers started for one flow file, and the placeholder values they define. */
export interface StartedTestServers {
  /** `{name.port}` / `{name.url}` → value, for substitution into `test.config`. */
  readonly placeholders: ReadonlyMap<string, string>;
  /** Stops every server (SIGTERM, then SIGKILL after its shutdown timeout). */
  stop(): Promise<void>;
}

const DEFAULT_PORT_RANGE: readonly [number, number] = [18000, 18999];

/**
 * Starts a flow's `test.servers` in declaration order: picks a free port in `portRange`,
 * substitutes `{port}`, `{name.port}` and `{name.url}` in `args` and `env`, spawns the command
 * (runner environment inherited, working directory relative to the flow's), and waits until the
 * port accepts connections and, when configured, `healthCheck.path` answers 2xx. A server that
 * exits or never becomes ready is an error naming it; servers already started are stopped.
 */
export async function startTestServers(
  servers: Readonly<Record<string, TestServerSpec>>,
  flowPath: string,
  flowDirectory: string,
  logger: Logger,
): Promise<StartedTestServers> {
  const placeholders = new Map<string, string>();
  const running: { name: string; child: ChildProcess; shutdownMs: number }[] = [];
  const usedPorts = new Set<number>();
  const stop = async (): Promise<void> => {
    await Promise.all(
      running
        .splice(0)
        .reverse()
        .map((server) => stopChild(server.child, server.shutdownMs)),
    );
  };
  try {
    for (const [name, spec] of Object.entries(servers)) {
      const where = `${flowPath}: test.servers.${name}`;
      if (typeof spec.command !== 'string' || spec.command === '') {
        throw new CliError(`${where}.command: a command is required`);
      }
      const [low, high] = portRangeOf(spec.portRange, where);
      const port = await findFreePort(low, high, usedPorts);
      if (port === undefined)
        throw new CliError(`${where}: no free port in ${low}-${high}`, ExitCode.failed);
      usedPorts.add(port);
      placeholders.set(`${name}.port`, String(port));
      placeholders.set(`${name}.url`, `http://127.0.0.1:${port}`);
      const substitute = (text: string): string =>
        replacePlaceholders(text, new Map([...placeholders, ['port', String(port)]]));
      const args = Array.isArray(spec.args) ? spec.args.map((arg) => substitute(String(arg))) : [];
      const env: Record<string, string | undefined> = { ...process.env };
      if (typeof spec.env === 'object' && spec.env !== null) {
        for (const [key, value] of Object.entries(spec.env)) env[key] = substitute(String(value));
      }
      const cwd = resolve(
        flowDirectory,
        typeof spec.workingDirectory === 'string' ? spec.workingDirectory : '.',
      );
      logger.info('starting test server', { server: name, command: spec.command, port });
      // Same process group as the runner, so a terminal's Ctrl-C reaches the servers too.
      const child = spawn(spec.command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      track(child);
      const output = captureOutput(child, name, logger);
      running.push({ name, child, shutdownMs: numberOr(spec.shutdownTimeoutMs, 5000) });
      await waitUntilReady(
        child,
        port,
        spec,
        numberOr(spec.startupTimeoutMs, 10_000),
        where,
        output,
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { placeholders, stop };
}

/** Replaces every `{key}` whose key is in `values`; other braces are left alone. */
export function replacePlaceholders(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(/\{([A-Za-z0-9_.-]+)\}/g, (match, key: string) => values.get(key) ?? match);
}

function portRangeOf(value: unknown, where: string): [number, number] {
  if (value === undefined || value === null) return [...DEFAULT_PORT_RANGE];
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((port) => Number.isInteger(port) && port > 0 && port < 65536) &&
    (value[0] as number) <= (value[1] as number)
  ) {
    return [value[0] as number, value[1] as number];
  }
  throw new CliError(`${where}.portRange: expected [low, high] ports`);
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/**
 * A port of [low, high] that nothing listens on. The scan starts at an offset given by the
 * process id and wraps around, so runners started at the same time (parallel test jobs) do not
 * all try the lowest free port: a port checked free is only bound once the server has started,
 * and another runner must not pick it in between.
 */
async function findFreePort(
  low: number,
  high: number,
  used: ReadonlySet<number>,
): Promise<number | undefined> {
  const size = high - low + 1;
  const start = process.pid % size;
  for (let i = 0; i < size; i += 1) {
    const port = low + ((start + i) % size);
    if (!used.has(port) && (await canListen(port))) return port;
  }
  return undefined;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      server.close(() => resolvePromise(true)),
    );
  });
}

function captureOutput(child: ChildProcess, name: string, logger: Logger): { tail: () => string } {
  const lines: string[] = [];
  const keep = (stream: NodeJS.ReadableStream | null, label: string): void => {
    stream?.setEncoding('utf8');
    let partial = '';
    stream?.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (lines.length > 20) lines.shift();
        logger.debug(`test server ${name} ${label}: ${line}`);
      }
    });
  };
  keep(child.stdout, 'stdout');
  keep(child.stderr, 'stderr');
  return { tail: () => lines.join('\n') };
}

async function waitUntilReady(
  child: ChildProcess,
  port: number,
  spec: TestServerSpec,
  startupTimeoutMs: number,
  where: string,
  output: { tail: () => string },
): Promise<void> {
  const deadline = Date.now() + startupTimeoutMs;
  let exit: string | undefined;
  const exited = new Promise<void>((resolvePromise) => {
    child.once('exit', (code, signal) => {
      exit = signal ? `signal ${signal}` : `code ${code}`;
      resolvePromise();
    });
    child.once('error', (error) => {
      exit = error.message;
      resolvePromise();
    });
  });
  const failure = (reason: string): CliError => {
    const tail = output.tail();
    return new CliError(`${where}: ${reason}${tail ? `\n${tail}` : ''}`, ExitCode.failed);
  };
  // Poll: the port opening is the only signal a generic server gives.
  while (!(await portAccepts(port))) {
    if (exit !== undefined) throw failure(`the server exited before it was ready (${exit})`);
    if (Date.now() > deadline)
      throw failure(`port ${port} did not open within ${startupTimeoutMs} ms`);
    await Promise.race([exited, delay(50)]);
  }
  const health = spec.healthCheck as
    | { path?: unknown; timeoutMs?: unknown; retryAttempts?: unknown; retryDelayMs?: unknown }
    | null
    | undefined;
  if (!health || typeof health.path !== 'string') return;
  const attempts = Math.max(1, numberOr(health.retryAttempts, 3));
  const url = `http://127.0.0.1:${port}${health.path.startsWith('/') ? '' : '/'}${health.path}`;
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    if (exit !== undefined) throw failure(`the server exited before it was ready (${exit})`);
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(numberOr(health.timeoutMs, 5000)),
      });
      await response.body?.cancel();
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (attempt < attempts)
      await Promise.race([exited, delay(numberOr(health.retryDelayMs, 1000))]);
  }
  throw failure(`health check ${url} failed after ${attempts} attempt(s): ${last}`);
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once('error', () => resolvePromise(false));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolvePromise) => setTimeout(resolvePromise, ms).unref());
}

/** SIGTERM, then SIGKILL after `timeoutMs`. */
async function stopChild(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolvePromise) => child.once('exit', () => resolvePromise()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

const live = new Set<ChildProcess>();
let exitHooked = false;

/** Remembers a server so it is terminated even when the runner exits abruptly (`process.exit`). */
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const server of live) server.kill('SIGTERM');
  });
}
