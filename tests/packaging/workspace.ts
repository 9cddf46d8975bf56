import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../component-server/harness.ts';

export { ROOT };

/** The parts of a package.json these tests read. */
export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly bin?: Readonly<Record<string, string>>;
  readonly main?: string;
  readonly types?: string;
  readonly files?: readonly string[];
  readonly exports?: Readonly<Record<string, string | Readonly<Record<string, string>>>>;
  readonly scripts?: Readonly<Record<string, string>>;
  readonly engines?: Readonly<Record<string, string>>;
  readonly license?: string;
  readonly packageManager?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

/** One package of the workspace: its directory (relative to the root) and its manifest. */
export interface WorkspacePackage {
  readonly dir: string;
  readonly manifest: Manifest;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Manifest;
}

/** The root and every package `pnpm-workspace.yaml` lists (`dir/*` globs or plain directories). */
export function workspacePackages(): WorkspacePackage[] {
  const globs = [
    ...readFileSync(join(ROOT, 'pnpm-workspace.yaml'), 'utf8').matchAll(
      /^\s*-\s*['"]?([^'"\s]+)/gm,
    ),
  ].map((match) => match[1]!);
  const dirs = ['.'];
  for (const glob of globs) {
    if (glob.endsWith('/*')) {
      const parent = glob.slice(0, -2);
      for (const entry of readdirSync(join(ROOT, parent), { withFileTypes: true })) {
        if (entry.isDirectory()) dirs.push(`${parent}/${entry.name}`);
      }
    } else dirs.push(glob);
  }
  return dirs
    .filter((dir) => existsSync(join(ROOT, dir, 'package.json')))
    .map((dir) => ({ dir: relative(ROOT, join(ROOT, dir)) || '.', manifest: readManifest(dir) }));
}

/** The packages meant for the registry: every workspace package not marked private. */
export function publicPackages(): WorkspacePackage[] {
  return workspacePackages().filter(
    ({ dir, manifest }) => dir !== '.' && manifest.private !== true,
  );
}

/** The command and leading arguments that run the repository's pinned pnpm, as the README does. */
export function pnpmCommand(): [string, string[]] {
  const pinned = readManifest('.').packageManager;
  if (pinned === undefined) throw new Error('the root package.json pins no packageManager');
  return ['npx', ['-y', pinned]];
}

/** How a child process ended and what it printed. */
export interface Completed {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (stdin closed) and collects its output; never rejects on exit. */
export function run(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv },
): Promise<Completed> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * The environment minus what a package manager running this test exported for its own script
 * (`npm_config_*`, `npm_package_*`, …), so a nested npm or pnpm reads only its own settings.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}
