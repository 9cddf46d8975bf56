import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive, processesWithMarker, MARKER_VARIABLE } from '../component-server/harness.ts';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The built `stepflow` binary. */
export const CLI = join(ROOT, 'apps/stepflow/dist/cli.js');
const SERVER = join(ROOT, 'tests/durable/fixtures/journal-server.mjs');

/** Steps of the chain (`c1` … `cN`) and of the fan-out after `c5` (`f1` … `fN`). */
export const CHAIN = 15;
export const FAN_OUT = 15;
/** Every step id of the flow. */
export const STEP_IDS = [
  ...Array.from({ length: CHAIN }, (_, i) => `c${i + 1}`),
  ...Array.from({ length: FAN_OUT }, (_, i) => `f${i + 1}`),
];

/** The flow: a chain of 15 `/work` steps and 15 more fanning out from `c5`. */
export function crashFlow(): Record<string, unknown> {
  const from = (step: string) => ({ $from: { step }, path: 'value' });
  const steps = [
    ...Array.from({ length: CHAIN }, (_, i) => ({
      id: `c${i + 1}`,
      component: '/journal/work',
      input: {
        id: `c${i + 1}`,
        value: i === 0 ? { $from: { workflow: 'input' }, path: 'start' } : from(`c${i}`),
      },
    })),
    ...Array.from({ length: FAN_OUT }, (_, i) => ({
      id: `f${i + 1}`,
      component: '/journal/work',
      input: { id: `f${i + 1}`, value: from('c5') },
    })),
  ];
  return {
    schema: 'https://stepflow.org/schemas/v1/flow.json',
    name: 'crash-test',
    steps,
    output: {
      chain: from(`c${CHAIN}`),
      fan: Array.from({ length: FAN_OUT }, (_, i) => from(`f${i + 1}`)),
    },
  };
}

/** The result of an uninterrupted run with input `{start}`. */
export function expectedResult(start: number): unknown {
  return {
    outcome: 'success',
    result: { chain: start + CHAIN, fan: Array.from({ length: FAN_OUT }, () => start + 6) },
  };
}

/** A scratch directory with the flow, a config running the journal server, and its files. */
export interface CrashWorkspace {
  readonly dir: string;
  readonly flowPath: string;
  readonly configPath: string;
  readonly executionsPath: string;
  /** Marks the component servers of this workspace (see `processesWithMarker`). */
  readonly marker: string;
  dispose(): Promise<void>;
}

/** Creates a workspace; `env` goes into the plugin's `env` (values may use `${VAR}`). */
export async function crashWorkspace(env: Record<string, string> = {}): Promise<CrashWorkspace> {
  const dir = await mkdtemp(join(tmpdir(), 'stepflow-durable-'));
  const marker = `durable-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const executionsPath = join(dir, 'executions.txt');
  const flowPath = join(dir, 'flow.json');
  const configPath = join(dir, 'stepflow-config.json');
  await writeFile(flowPath, JSON.stringify(crashFlow()));
  await writeFile(
    configPath,
    JSON.stringify({
      plugins: {
        journal: {
          type: 'stepflow',
          transport: 'stdio',
          command: process.execPath,
          args: [SERVER],
          env: { [MARKER_VARIABLE]: marker, EXECUTIONS_FILE: executionsPath, ...env },
        },
        builtin: { type: 'builtin' },
      },
      routes: {
        '/journal/{*component}': [{ plugin: 'journal' }],
        '/builtin/{*component}': [{ plugin: 'builtin' }],
      },
    }),
  );
  return {
    dir,
    flowPath,
    configPath,
    executionsPath,
    marker,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** One recorded execution: a step and its attempt number. */
export interface Execution {
  readonly stepId: string;
  readonly attempt: number;
}

/** The executions recorded so far. */
export function readExecutions(path: string): Execution[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [stepId, attempt] = line.split(' ');
      return { stepId: stepId!, attempt: Number(attempt) };
    });
}

/** A started `stepflow` process and what it wrote. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves the exit code (or signal) once the process is gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the built `stepflow` with `args` in `cwd`. */
export function startCli(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolvePromise) => child.on('close', (code, signal) => resolvePromise({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Runs `stepflow` to its end. */
export async function runCli(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const started = startCli(args, cwd, env);
  const { code } = await started.exited;
  return { code, stdout: started.stdout(), stderr: started.stderr() };
}

/**
 * Resolves once `condition` holds or `exited` settles (the process ended first), checking each
 * time the event loop turns over: a wait for a condition, not a timed sleep.
 */
export async function waitFor(condition: () => boolean, exited: Promise<unknown>): Promise<void> {
  let done = false;
  void exited.then(() => (done = true));
  while (!done && !condition()) await new Promise((resolvePromise) => setImmediate(resolvePromise));
}

/**
 * Waits until every component server of `marker` has exited (they end on stdin EOF when their
 * runtime dies); any still alive after `patience` checks is killed, and reported.
 */
export async function reapServers(marker: string): Promise<number[]> {
  const orphans: number[] = [];
  for (let check = 0; check < 2000; check++) {
    const pids = (await processesWithMarker(marker)).filter(isAlive);
    if (pids.length === 0) return orphans;
    if (check === 1999) {
      for (const pid of pids) {
        orphans.push(pid);
        process.kill(pid, 'SIGKILL');
      }
    }
    await new Promise((resolvePromise) => setImmediate(resolvePromise));
  }
  return orphans;
}

/** A seeded pseudo-random generator (mulberry32): trials are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
