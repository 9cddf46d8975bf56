import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The app directory (`apps/stepflow`). */
export const APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The built binary under test. */
export const CLI = join(APP_DIR, 'dist', 'cli.js');
/** Fixture directory. */
export const FIXTURES = join(APP_DIR, 'test', 'fixtures');
/** The reference conformance flows, copied into the repo. */
export const CONFORMANCE = join(FIXTURES, 'conformance');

/** What a finished `stepflow` process left behind. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runStepflow}. */
export interface RunStepflowOptions {
  /** Text or bytes piped to stdin (stdin is closed either way). */
  readonly stdin?: string | Uint8Array;
  readonly cwd?: string;
  readonly env?: Record<string, string>;
}

/** Runs the built binary as a real process and waits for it to exit. */
export function runStepflow(
  args: readonly string[],
  options: RunStepflowOptions = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, ...options.env };
    if (options.env?.STEPFLOW_LOG_LEVEL === undefined) delete env.STEPFLOW_LOG_LEVEL;
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? APP_DIR,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** A scratch directory removed by the returned `dispose`. */
export async function scratchDirectory(): Promise<{ path: string; dispose: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'stepflow-cli-'));
  return { path, dispose: () => rm(path, { recursive: true, force: true }) };
}

/** Copies a fixture file or directory into `directory` and returns the copy's path. */
export async function copyFixture(relative: string, directory: string): Promise<string> {
  const target = join(directory, relative);
  await cp(join(FIXTURES, relative), target, { recursive: true });
  return target;
}
