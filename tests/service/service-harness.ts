import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The built `stepflow` binary. */
export const CLI = join(ROOT, 'apps/stepflow/dist/cli.js');
/** The component server fixture that records its executions. */
export const RECORDING_SERVER = join(ROOT, 'tests/service/fixtures/recording-server.mjs');
const FLOW_SCHEMA = 'https://stepflow.org/schemas/v1/flow.json';

/** A scratch directory with a config (builtin + the recording fixture as `/fx/*`). */
export interface Workspace {
  readonly dir: string;
  readonly recordFile: string;
  readonly gateFile: string;
  /** The lines the fixture recorded so far. */
  records(): Promise<
    { component: string; key: string; runId?: string; event: string; inFlight?: number }[]
  >;
  /** Lets every `gate` execution finish. */
  openGate(): Promise<void>;
}

/** Creates a workspace in a fresh temporary directory. */
export async function createWorkspace(): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'stepflow-service-'));
  const recordFile = join(dir, 'records.jsonl');
  const gateFile = join(dir, 'gate-open');
  await writeFile(recordFile, '');
  const config = {
    plugins: {
      builtin: { type: 'builtin' },
      fx: {
        type: 'stepflow',
        transport: 'stdio',
        command: process.execPath,
        args: [RECORDING_SERVER],
        env: { RECORD_FILE: recordFile, GATE_FILE: gateFile, STEPFLOW_TEST_MARKER: dir },
      },
    },
    routes: {
      '/fx/{*component}': [{ plugin: 'fx' }],
      '/builtin/{*component}': [{ plugin: 'builtin' }],
    },
  };
  await writeFile(join(dir, 'stepflow-config.yml'), JSON.stringify(config, null, 2));
  return {
    dir,
    recordFile,
    gateFile,
    async records() {
      const text = await readFile(recordFile, 'utf8');
      return text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as never);
    },
    openGate: () => writeFile(gateFile, 'open'),
  };
}

/** A one-step builtin flow: greets `input.name`. */
export const GREET_FLOW = {
  schema: FLOW_SCHEMA,
  name: 'greet',
  inputSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
  steps: [
    {
      id: 'hello',
      component: '/builtin/create_messages',
      input: { user_prompt: { $from: { workflow: 'input' }, path: 'name' } },
    },
  ],
  output: { $from: { step: 'hello' } },
};

/** Two steps of the fixture: `first` records at once, `second` waits for the gate. */
export const GATED_FLOW = {
  schema: FLOW_SCHEMA,
  name: 'gated',
  steps: [
    {
      id: 'first',
      component: '/fx/record',
      input: { key: { $from: { workflow: 'input' }, path: 'key' } },
    },
    {
      id: 'second',
      component: '/fx/gate',
      input: {
        key: { $from: { workflow: 'input' }, path: 'key' },
        first: { $from: { step: 'first' } },
      },
    },
  ],
  output: { first: { $from: { step: 'first' } }, second: { $from: { step: 'second' } } },
};

/** A running `stepflow serve` child process. */
export interface ServiceProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /**
   * JSON request to the API (`path` under `/api/v1/`). The body is `any`: tests assert its
   * shape with `expect`, which is the check.
   */
  api(
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted by each test
  ): Promise<{ status: number; body: any }>;
  /** Sends `signal` and resolves with the exit code once it exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `stepflow serve --port 0 …` in `cwd` and resolves once it listens. */
export async function startService(
  cwd: string,
  args: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
    cwd,
    env: { ...process.env, STEPFLOW_TOKEN: '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const url = await new Promise<string>((done, fail) => {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      const match = /serving on (http:\/\/\S+)/.exec(stderr);
      if (match) done(match[1]!);
    });
    void exited.then((code) => fail(new Error(`stepflow serve exited ${code}: ${stderr}`)));
  });
  const token = args.includes('--token') ? args[args.indexOf('--token') + 1] : env.STEPFLOW_TOKEN;
  return {
    url,
    child,
    stderr: () => stderr,
    async api(path, init = {}) {
      const headers: Record<string, string> = {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...init.headers,
      };
      const response = await fetch(`${url}/api/v1/${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers,
        ...(init.body === undefined
          ? {}
          : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: the test looks at the text.
      }
      return { status: response.status, body };
    },
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls `check` (a condition on the service's state) until it holds; fails after `tries`. */
export async function eventually<T>(check: () => Promise<T | undefined>, tries = 3000): Promise<T> {
  for (let attempt = 0; attempt < tries; attempt++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((done) => setTimeout(done, 10));
  }
  throw new Error('condition never held');
}

/** Whether a process is still alive (Linux `/proc`). */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/** Pids of live processes whose environment or working directory is the workspace `dir`. */
export async function processesOf(dir: string): Promise<number[]> {
  const { readdir, readlink } = await import('node:fs/promises');
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = await readFile(`/proc/${entry}/environ`, 'latin1');
      const cwd = await readlink(`/proc/${entry}/cwd`);
      const ours = environ.split('\0').includes(`STEPFLOW_TEST_MARKER=${dir}`) || cwd === dir;
      if (ours && (await isAlive(Number(entry)))) found.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}
