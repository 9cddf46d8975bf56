import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Flow } from '@stepflow/protocol';
import {
  createRuntime,
  createStepflowPluginFactory,
  resolveConfig,
  type Logger,
  type RunEvent,
  type Runtime,
} from '@stepflow/runtime';
import { spawnStdioTransport, type StdioChildTransport } from '@stepflow/transport-stdio';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The built sample component server. */
export const SAMPLE_SERVER = join(ROOT, 'apps/sample-server/dist/main.js');
/** The built `stepflow` binary. */
export const CLI = join(ROOT, 'apps/stepflow/dist/cli.js');
/** Fixture servers of these tests. */
export const FIXTURES = join(ROOT, 'tests/component-server/fixtures');
/** The flow schema URL every flow carries. */
export const FLOW_SCHEMA = 'https://stepflow.org/schemas/v1/flow.json';
/** Name of the environment variable that tags every child process a test starts. */
export const MARKER_VARIABLE = 'STEPFLOW_TEST_MARKER';

/** A stdio plugin config running `script` with node, tagged with `marker`. */
export function nodePlugin(
  script: string,
  marker: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'stepflow',
    transport: 'stdio',
    command: process.execPath,
    args: [script],
    env: { [MARKER_VARIABLE]: marker },
    ...extra,
  };
}

/** Pids of live processes whose environment carries `marker` (Linux `/proc`). */
export async function processesWithMarker(marker: string): Promise<number[]> {
  const needle = `${MARKER_VARIABLE}=${marker}`;
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = await readFile(`/proc/${entry}/environ`, 'latin1');
      if (environ.split('\0').includes(needle)) found.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

/** Whether a process with this pid still exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A runtime over real child processes, recording every child it spawned and every log line. */
export interface Harness {
  readonly runtime: Runtime;
  /** The marker every child of this harness carries. */
  readonly marker: string;
  /** Every stdio transport created (one per server start). */
  readonly transports: StdioChildTransport[];
  /** Log lines (`level message fields`). */
  readonly logs: string[];
  /** Runs `flow` and collects its events. */
  run(flow: Flow, input: unknown): Promise<{ result: unknown; events: RunEvent[] }>;
  /** Closes the runtime; then asserts no child is left. */
  close(): Promise<void>;
}

/** Builds a harness from a config document (plugins get the harness marker via `marker`). */
export function createHarness(build: (marker: string) => Record<string, unknown>): Harness {
  const marker = randomUUID();
  const transports: StdioChildTransport[] = [];
  const logs: string[] = [];
  const log =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      logs.push(`${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
    };
  const logger: Logger = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
  };
  const loaded = resolveConfig(build(marker), { baseDirectory: ROOT, env: process.env });
  const runtime = createRuntime({
    config: loaded.config,
    workingDirectory: loaded.workingDirectory,
    logger,
    pluginFactories: {
      stepflow: createStepflowPluginFactory({
        restart: { initialDelayMs: 10, maxDelayMs: 100 },
        transports: {
          stdio: (launch, context) => {
            const transport = spawnStdioTransport({
              ...launch,
              stderrLines: context.logStderrLine,
              onNonJsonLine: context.logNonProtocolLine,
              killGraceMs: 500,
              livenessIntervalMs: 50,
            });
            transports.push(transport);
            return transport;
          },
        },
      }),
    },
  });
  return {
    runtime,
    marker,
    transports,
    logs,
    async run(flow, input) {
      const events: RunEvent[] = [];
      const outcome = await runtime.run({ flow, input, onEvent: (event) => events.push(event) });
      return { result: outcome.result, events };
    },
    async close() {
      await runtime.close();
    },
  };
}

/** Pids of the children a harness started that are still alive. */
export async function leftovers(harness: Harness): Promise<number[]> {
  const pids = harness.transports
    .map((t) => t.pid)
    .filter((pid): pid is number => pid !== undefined && isAlive(pid));
  const tagged = await processesWithMarker(harness.marker);
  return [...new Set([...pids, ...tagged])];
}

/** What a finished `stepflow` process left behind. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `stepflow` binary; `onStderr` sees stderr as it arrives (with the child). */
export function runCli(
  args: readonly string[],
  options: {
    cwd?: string;
    env?: Record<string, string>;
    onStderr?: (text: string, child: ReturnType<typeof spawn>) => void;
  } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, ...options.env };
    if (options.env?.STEPFLOW_LOG_LEVEL === undefined) delete env.STEPFLOW_LOG_LEVEL;
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      options.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
    child.stdin.end('');
  });
}
