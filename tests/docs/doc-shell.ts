// Running what the docs show: their shell commands in bash at the repository root, with
// `stepflow` defined as `node apps/stepflow/dist/cli.js` (as the README says), and the component
// servers they start by hand, on a port the system picks.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { ROOT, where, type DocCommand } from './doc-commands.ts';

const CLI = join(ROOT, 'apps/stepflow/dist/cli.js');

/** Commands the test does not run, each with the reason. */
export const SKIPPED: readonly { readonly pattern: RegExp; readonly why: string }[] = [
  {
    pattern: /^npx -y pnpm@\S+ install\b/,
    why: 'installs from the npm registry (network) and runs the whole suite',
  },
  {
    pattern: /^(pnpm|npx -y pnpm@\S+) (build|test|lint|typecheck|check|bench)\b/,
    why: 'builds or checks the repository: the build ran before these tests, which are part of the check',
  },
  {
    pattern: /^npx -y pnpm@\S+ turbo run build\b/,
    why: 'builds packages: the build ran before these tests',
  },
  { pattern: /^pnpm format\b/, why: 'rewrites files in the checkout' },
  { pattern: /^pnpm changeset\b/, why: 'interactive' },
  {
    pattern: /\| dot -T/,
    why: 'needs Graphviz and writes an image; `visualize --format dot` alone is run from the README',
  },
  {
    pattern: /^node apps\/echo-demo\/dist\/main\.js$/,
    why: 'apps/echo-demo is not a dependency of the tests, so it may not be built when they run',
  },
  { pattern: /^docker run\b/, why: 'needs Docker and starts a long-running Jaeger container' },
  {
    pattern: /^docker compose\b/,
    why: 'needs Docker and starts PostgreSQL and long-running runtimes (tests/scale-out runs them)',
  },
  {
    pattern: /^stepflow worker\b/,
    why: 'a long-running runtime on a PostgreSQL server; tests/scale-out drives real ones',
  },
  {
    pattern: /(OTEL_EXPORTER_OTLP_ENDPOINT=|--otlp-endpoint )http:\/\/localhost:4318\b/,
    why: 'exports to a trace backend on localhost:4318 (tests/tracing runs it against a local receiver)',
  },
  {
    pattern: /^stepflow serve\b/,
    why: 'starts a long-running service on a fixed port; tests/service drives a real one',
  },
  {
    pattern: /^(curl\b.*(localhost|127\.0\.0\.1):7837|stepflow submit(-batch)? --url)/,
    why: 'talks to a running stepflow serve; tests/service covers these calls against a real one',
  },
  {
    pattern:
      /^pnpm install\b|^pnpm --filter .* pack\b|^npm install \.\.\/stepflow-tarballs\/|^npx stepflow\b/,
    why: 'packs the packages and installs them in another project (writes outside the checkout); tests/packaging does the same in a temporary project',
  },
  {
    pattern: /^echo \$\?$/,
    why: 'part of a transcript: the command before it is checked for exit 0',
  },
];

/** Component servers the docs start by hand (and leave running): started in the background. */
export const SERVER = /^node apps\/sample-server\/dist\/main\.js --transport (http|websocket)\b/;

export function skipReason(command: string): string | undefined {
  return SKIPPED.find(({ pattern }) => pattern.test(command))?.why;
}

export interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command` in bash at the repository root, with `stepflow` defined as the README says. */
export async function runShell(command: string, env: Record<string, string> = {}): Promise<Exit> {
  const child = spawn('bash', ['-c', `stepflow() { node "${CLI}" "$@"; }\n${command}`], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

export function failure(command: DocCommand | string, exit: Exit, expected: number): string {
  const what = typeof command === 'string' ? command : `${where(command)}: \`${command.command}\``;
  const tail = (text: string) => text.trimEnd().split('\n').slice(-15).join('\n');
  return `${what} exited ${exit.code}, expected ${expected}\n--- stderr\n${tail(exit.stderr)}\n--- stdout\n${tail(exit.stdout)}`;
}

/** A server started as a doc shows it, on a port the system picks instead of the one shown. */
export interface DocServer {
  readonly port: string;
  stop(): Promise<void>;
}

export async function startServer(command: DocCommand): Promise<DocServer> {
  const shown = command.command.replace(/--port \d+/, '--port 0');
  const child: ChildProcess = spawn('bash', ['-c', `exec ${shown}`], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const port = await new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = /listening on \w+:\/\/[^:\s]+:(\d+)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) =>
      reject(
        new Error(
          `${where(command)}: \`${command.command}\` exited ${code} before listening\n${stderr}`,
        ),
      ),
    );
  });
  return {
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
