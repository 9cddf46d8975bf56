// The built `stepflow` binary driving the sample component server over stdio, HTTP and
// WebSocket: the same flows (callbacks during execution, concurrent executions), the faults a
// user meets (server down, wrong token, server killed, bad url) and `test.servers`.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MARKER_VARIABLE,
  processesWithMarker,
  runCli,
  SAMPLE_SERVER,
} from '../component-server/harness.ts';

type Mode = 'stdio' | 'http' | 'websocket';

const TOKEN_SERVER = fileURLToPath(new URL('./fixtures/token-server.mjs', import.meta.url));
const SESSION_SERVER = fileURLToPath(new URL('./fixtures/session-server.mjs', import.meta.url));

const cleanups: (() => Promise<void>)[] = [];
const markers: string[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const marker of markers.splice(0)) expect(await processesWithMarker(marker)).toEqual([]);
});

function newMarker(): string {
  const marker = randomUUID();
  markers.push(marker);
  return marker;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stepflow-net-cli-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Kills `child` (if still running) at cleanup. */
function killAtCleanup(child: ChildProcess): void {
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  });
}

/** The sample server's bearer token (the plugin sends it unless `COMPONENT_TOKEN` says otherwise). */
const SAMPLE_TOKEN = 'sample-token';

/** Starts the built sample server over `mode` on `port` and waits for its "listening on" line. */
async function startSampleServer(
  mode: 'http' | 'websocket',
  marker: string,
  port = 0,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [SAMPLE_SERVER, '--transport', mode, '--port', String(port), '--token', SAMPLE_TOKEN],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, [MARKER_VARIABLE]: marker } },
  );
  killAtCleanup(child);
  for await (const line of createInterface({ input: child.stderr })) {
    const match = /listening on (\S+)/.exec(line);
    if (match?.[1] !== undefined) return { url: match[1], child };
  }
  throw new Error(`the sample server (${mode}) exited before listening`);
}

/** Starts a fixture that prints its URL first (the token one with bearer token `secret`). */
async function startFixture(script: string, mode: 'http' | 'websocket'): Promise<string> {
  const child = spawn(process.execPath, [script, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, COMPONENT_TOKEN: 'secret' },
  });
  killAtCleanup(child);
  const first = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
  if (first.done === true) throw new Error('the token server exited before its URL');
  return first.value;
}

/** The `remote` plugin's config lines for `mode` (network URLs come from `${SAMPLE_URL}`). */
function pluginYaml(mode: Mode, marker: string): string {
  if (mode === 'stdio') {
    return `    transport: stdio
    command: ${JSON.stringify(process.execPath)}
    args: [${JSON.stringify(SAMPLE_SERVER)}]
    env: { ${MARKER_VARIABLE}: ${marker} }`;
  }
  return `    transport: ${mode}
    url: \${SAMPLE_URL}
    headers:
      Authorization: Bearer \${COMPONENT_TOKEN:-${SAMPLE_TOKEN}}`;
}

/** A directory with a config routing `/remote/*` to the plugin and `flow.yaml`. */
async function workspace(
  plugin: string,
  steps: string,
  output: string,
): Promise<{ dir: string; flow: string }> {
  const dir = await tempDir();
  await writeFile(
    join(dir, 'stepflow-config.yml'),
    `plugins:
  builtin: { type: builtin }
  remote:
    type: stepflow
${plugin}
routes:
  /remote/{*component}:
    - plugin: remote
  /builtin/{*component}:
    - plugin: builtin
`,
  );
  const flow = join(dir, 'flow.yaml');
  await writeFile(
    flow,
    `schema: https://stepflow.org/schemas/v1/flow.json\nname: net\ndescription: network transport test\nsteps:\n${steps}\noutput:\n${output}\n`,
  );
  return { dir, flow };
}

/** The plugin config for `mode`, starting the network server when there is one. */
async function serverFor(mode: Mode): Promise<{ plugin: string; env: Record<string, string> }> {
  const marker = newMarker();
  if (mode === 'stdio') return { plugin: pluginYaml(mode, marker), env: {} };
  const { url } = await startSampleServer(mode, marker);
  return { plugin: pluginYaml(mode, marker), env: { SAMPLE_URL: url } };
}

const CALLBACK_STEPS = `  - id: stats
    component: /remote/text_stats
    input: { text: { $from: { workflow: input }, path: text }, top: 1 }
  - id: store
    component: /remote/store_blob
    input: { value: { $from: { step: stats } } }
  - id: reload
    component: /remote/read_blob
    input: { blob_id: { $from: { step: store }, path: blob_id } }
  - id: sub
    component: /remote/run_flow
    input:
      input: { text: { $from: { workflow: input }, path: text } }
      flow:
        $literal:
          schema: https://stepflow.org/schemas/v1/flow.json
          steps:
            - id: count
              component: /remote/text_stats
              input: { text: { $from: { workflow: input }, path: text } }
          output: { $from: { step: count }, path: words }`;

describe.each(['stdio', 'http', 'websocket'] as const)('stepflow run over %s', (mode) => {
  it('runs a flow whose components call back into the runtime (blobs, sub-flow)', async () => {
    const { plugin, env } = await serverFor(mode);
    const { flow } = await workspace(
      plugin,
      CALLBACK_STEPS,
      `  top: { $from: { step: reload }, path: '$.value.top_words' }
  words: { $from: { step: sub } }`,
    );
    const result = await runCli(['run', '--flow', flow, '--input-json', '{"text":"b a b"}'], {
      env,
    });
    expect(result.stderr).toBe('');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      outcome: 'success',
      result: { top: [{ word: 'b', count: 2 }], words: 3 },
    });
  });

  it('runs concurrent executions, each callback served for its own step', async () => {
    const { plugin, env } = await serverFor(mode);
    const ids = Array.from({ length: 24 }, (_, i) => `s${i}`);
    const { flow } = await workspace(
      plugin,
      ids
        .map(
          (id, i) => `  - id: ${id}
    component: /remote/blob_roundtrip
    input: { value: { n: ${i} } }`,
        )
        .join('\n'),
      ids.map((id) => `  ${id}: { $from: { step: ${id} }, path: value }`).join('\n'),
    );
    const result = await runCli(['run', '--flow', flow, '--input-json', '{}'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      outcome: 'success',
      result: Object.fromEntries(ids.map((id, i) => [id, { n: i }])),
    });
  });
});

describe.each(['http', 'websocket'] as const)('stepflow run over %s: faults', (mode) => {
  it('reports a server that is down at start, naming the plugin and url', async () => {
    const url = `${mode === 'http' ? 'http' : 'ws'}://127.0.0.1:${await unusedPort()}/`;
    const { flow } = await workspace(
      pluginYaml(mode, ''),
      `  - id: call
    component: /remote/echo
    input: hi`,
      `  call: { $from: { step: call } }`,
    );
    const result = await runCli(['run', '--flow', flow, '--input-json', '{}'], {
      env: { SAMPLE_URL: url },
    });
    expect(result.code, result.stderr).toBe(1);
    const failure = JSON.parse(result.stdout) as { outcome: string };
    expect(failure.outcome).toBe('failed');
    expect(result.stdout).toContain(`component server plugin 'remote' (${url})`);
    expect(result.stdout).toMatch(/cannot (reach|connect to) the component server at/);
    expect(result.stderr).toContain(`component server plugin 'remote' (${url})`);
  });

  it('sends the ${VAR}-substituted token, and reports a wrong one as 401 Unauthorized', async () => {
    const url = await startFixture(TOKEN_SERVER, mode);
    const { flow } = await workspace(
      pluginYaml(mode, ''),
      `  - id: call
    component: /remote/echo
    input: hi`,
      `  call: { $from: { step: call } }`,
    );
    const args = ['run', '--flow', flow, '--input-json', '{}'];
    const good = await runCli(args, { env: { SAMPLE_URL: url, COMPONENT_TOKEN: 'secret' } });
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)).toEqual({ outcome: 'success', result: { call: 'hi' } });

    const bad = await runCli(args, { env: { SAMPLE_URL: url, COMPONENT_TOKEN: 'wrong' } });
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toContain(`component server plugin 'remote' (${url})`);
    expect(bad.stdout).toContain('Unauthorized');
    // A refusal is final: the plugin gives up at once instead of retrying the same token.
    expect(bad.stdout).toContain('could not be started');
    if (mode === 'websocket') expect(bad.stdout).toContain('401');
  });

  it('initializes a server started again after it died mid-execution; the step is retried as attempt 2', async () => {
    const marker = newMarker();
    const port = await unusedPort();
    const first = await startSampleServer(mode, marker, port);
    // The server exits inside crash_once (attempt 1); start it again on the same port.
    const restarted = once(first.child, 'exit').then(() => startSampleServer(mode, marker, port));
    const { flow } = await workspace(
      pluginYaml(mode, marker),
      `  - id: crash
    component: /remote/crash_once
    input: { value: hi }`,
      `  crash: { $from: { step: crash } }`,
    );
    const result = await runCli(['run', '--flow', flow, '--input-json', '{}'], {
      env: { SAMPLE_URL: first.url },
    });
    await restarted;
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      outcome: 'success',
      result: { crash: { attempt: 2, value: 'hi' } },
    });
  });

  it('rejects a url of the wrong scheme as a config error naming the field', async () => {
    const { flow } = await workspace(
      pluginYaml(mode, ''),
      `  - id: call
    component: /remote/echo
    input: hi`,
      `  call: { $from: { step: call } }`,
    );
    const wrong = mode === 'http' ? 'ws://127.0.0.1:1/' : 'http://127.0.0.1:1/';
    const result = await runCli(['run', '--flow', flow, '--input-json', '{}'], {
      env: { SAMPLE_URL: wrong },
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('plugins.remote.url');
    expect(result.stderr).toContain(`transport '${mode}' needs a`);
  });
});

describe('stepflow run over http with sessions', () => {
  it('opens a new session when the server expired the old one; the step is retried as attempt 2', async () => {
    const url = await startFixture(SESSION_SERVER, 'http');
    const { flow } = await workspace(
      pluginYaml('http', ''),
      `  - id: expire
    component: /remote/expire-sessions
    input: {}
  - id: after
    component: /remote/attempt
    input: { $from: { step: expire } }`,
      `  expire: { $from: { step: expire } }\n  after: { $from: { step: after } }`,
    );
    const result = await runCli(['run', '--flow', flow, '--input-json', '{}'], {
      env: { SAMPLE_URL: url },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      outcome: 'success',
      result: { expire: { expired: true }, after: { attempt: 2 } },
    });
  });
});

describe('stepflow test with test.servers', () => {
  it('starts the sample server over HTTP and WebSocket, passes, and stops them', async () => {
    const marker = newMarker();
    const result = await runCli(['test', 'examples/http-server', 'examples/websocket-server'], {
      env: { [MARKER_VARIABLE]: marker },
    });
    expect(result.stdout).toContain('examples/http-server/flow.yaml: 2/2 passed');
    expect(result.stdout).toContain('examples/websocket-server/flow.yaml: 1/1 passed');
    expect(result.stdout).toContain('Failed: 0');
    expect(result.code, result.stderr).toBe(0);
  });
});

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
