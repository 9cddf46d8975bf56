import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FIXTURES,
  MARKER_VARIABLE,
  processesWithMarker,
  ROOT,
  runCli,
  SAMPLE_SERVER,
} from './harness.ts';

interface Workspace {
  readonly dir: string;
  readonly marker: string;
}

const workspaces: Workspace[] = [];

afterEach(async () => {
  for (const { dir, marker } of workspaces.splice(0)) {
    expect(await processesWithMarker(marker)).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  }
});

/** A temporary directory with a config routing `/sample/*` to the sample server (tagged with a marker). */
async function workspace(extraPlugins = '', extraRoutes = ''): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'stepflow-cs-'));
  const marker = randomUUID();
  await writeFile(
    join(dir, 'stepflow-config.yml'),
    `plugins:
  builtin: { type: builtin }
  sample:
    type: stepflow
    transport: stdio
    command: ${JSON.stringify(process.execPath)}
    args: [${JSON.stringify(SAMPLE_SERVER)}]
    env: { ${MARKER_VARIABLE}: ${marker} }
${extraPlugins.replaceAll('MARKER', marker)}
routes:
  /sample/{*component}:
    - plugin: sample
  /builtin/{*component}:
    - plugin: builtin
${extraRoutes}`,
  );
  const created = { dir, marker };
  workspaces.push(created);
  return created;
}

async function writeFlow(dir: string, steps: string, output: string): Promise<string> {
  const path = join(dir, 'flow.yaml');
  await writeFile(
    path,
    `schema: https://stepflow.org/schemas/v1/flow.json\nsteps:\n${steps}\noutput:\n${output}\n`,
  );
  return path;
}

describe('stepflow binary with a component server over stdio', () => {
  it('runs examples/sample-server end to end', async () => {
    const { dir } = await workspace();
    await copyFile(join(ROOT, 'examples/sample-server/flow.yaml'), join(dir, 'flow.yaml'));
    const result = await runCli([
      'run',
      '--flow',
      join(dir, 'flow.yaml'),
      '--input-json',
      '{"text":"The cat sat. The cat ran!"}',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      outcome: 'success',
      result: {
        words: 6,
        top_words: [
          { word: 'cat', count: 2 },
          { word: 'the', count: 2 },
        ],
        risky: 'recovered',
      },
    });
  });

  it('runs the shipped example with its own config', async () => {
    const result = await runCli([
      'run',
      '--flow',
      'examples/sample-server/flow.yaml',
      '--input-json',
      '{"text":"a b a"}',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      outcome: 'success',
      result: { words: 3, risky: 'recovered' },
    });
  });

  it('runs the greeter walkthrough of docs/component-servers.md, and its test cases', async () => {
    const run = await runCli([
      'run',
      '--flow',
      'examples/greeter/flow.yaml',
      '--input-json',
      '{"name":"Ada"}',
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      outcome: 'success',
      result: { greeting: 'Hello, Ada!' },
    });
    const test = await runCli(['test', 'examples/greeter', 'examples/sample-server']);
    expect(test.code).toBe(0);
    expect(test.stdout).toContain('Failed: 0');
  });

  it('retries a step whose server killed itself, with attempt 2', async () => {
    const { dir } = await workspace();
    const flow = await writeFlow(
      dir,
      `  - id: crash
    component: /sample/crash_once
    input: { value: hi }`,
      `  crash: { $from: { step: crash } }`,
    );
    const result = await runCli(['run', '--flow', flow, '--input-json', '{}']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      outcome: 'success',
      result: { crash: { attempt: 2, value: 'hi' } },
    });
  });

  it('fails only the steps routed to a server that cannot run, with a message naming the plugin', async () => {
    const { dir } = await workspace(
      `  broken:
    type: stepflow
    transport: stdio
    command: ${JSON.stringify(process.execPath)}
    args: [${JSON.stringify(join(FIXTURES, 'exit-server.mjs'))}]
    env: { ${MARKER_VARIABLE}: MARKER }`,
      `  /broken/{*component}:
    - plugin: broken`,
    );
    const flow = await writeFlow(
      dir,
      `  - id: doomed
    component: /broken/echo
    input: {}
  - id: fine
    component: /sample/echo
    input: ok`,
      `  doomed: { $from: { step: doomed } }\n  fine: { $from: { step: fine } }`,
    );
    const result = await runCli(['run', '--flow', flow, '--input-json', '{}']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("component server plugin 'broken'");
    expect(result.stdout).toContain('cannot load my configuration');
    expect(result.stderr).toContain("component server plugin 'broken'");
  });

  it('gives up on a server command that fails the same way twice, printing its stderr once', async () => {
    const { dir } = await workspace(
      `  broken:
    type: stepflow
    transport: stdio
    command: ${JSON.stringify(process.execPath)}
    args: [missing-script.mjs]`,
      `  /broken/{*component}:
    - plugin: broken`,
    );
    const flow = await writeFlow(
      dir,
      `  - id: doomed
    component: /broken/echo
    input: {}`,
      `  { $from: { step: doomed } }`,
    );
    const result = await runCli(['run', '--flow', flow, '--input-json', '{}'], { cwd: dir });
    expect(result.code).toBe(1);
    const occurrences = (text: string, needle: string): number => text.split(needle).length - 1;
    // Two starts: one retry, then dead.
    expect(occurrences(result.stderr, "component server 'broken' failed to start")).toBe(1);
    expect(occurrences(result.stderr, 'Cannot find module')).toBe(1);
    expect(result.stderr).toContain(
      `component server plugin 'broken' (${process.execPath} missing-script.mjs) exited the same way on two starts in a row and is marked dead`,
    );
    expect(result.stdout).toContain("component server plugin 'broken'");
  });

  it('lists every component of every plugin with its routes', async () => {
    const { dir } = await workspace();
    const json = await runCli(['list-components', '--format', 'json'], { cwd: dir });
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.stdout) as {
      components: {
        component: string;
        plugin: string;
        routes: { resolvedPath: string }[];
        input_schema?: unknown;
      }[];
    };
    const echo = listed.components.find((c) => c.component === '/echo');
    expect(echo).toMatchObject({ plugin: 'sample', routes: [{ resolvedPath: '/sample/echo' }] });
    expect(
      listed.components.find((c) => c.component === '/text_stats')?.input_schema,
    ).toMatchObject({ type: 'object' });
    expect(listed.components.some((c) => c.plugin === 'builtin')).toBe(true);

    const pretty = await runCli(['list-components'], { cwd: dir });
    expect(pretty.stdout).toContain('Component: /crash_once (plugin: sample)');
    expect(pretty.stdout).toContain('/sample/crash_once');
    const yaml = await runCli(['list-components', '--format', 'yaml', '--schemas', 'false'], {
      cwd: dir,
    });
    expect(yaml.stdout).toContain('component: /step_metadata');
    expect(yaml.stdout).not.toMatch(/^\s+input_schema:/m);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`ends every component server on ${signal}`, async () => {
      const { dir, marker } = await workspace();
      const flow = await writeFlow(
        dir,
        `  - id: wait
    component: /sample/slow
    input: { ms: 60000 }`,
        `  wait: { $from: { step: wait } }`,
      );
      let sent = false;
      const result = await runCli(
        ['--log-level', 'debug', 'run', '--flow', flow, '--input-json', '{}'],
        {
          onStderr: (text, child) => {
            if (!sent && text.includes("component server 'sample' is ready")) {
              sent = true;
              child.kill(signal);
            }
          },
        },
      );
      expect(sent).toBe(true);
      expect(result.code === 0 && signal === 'SIGTERM').toBe(false);
      expect(await processesWithMarker(marker)).toEqual([]);
    });
  }
});
