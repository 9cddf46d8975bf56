import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIXTURES, runStepflow, scratchDirectory } from './helpers/run-stepflow.ts';

// Every test spawns real processes; leave room for a loaded CI machine.
vi.setConfig({ testTimeout: 60_000 });

const SCHEMA = 'schema: https://stepflow.org/schemas/v1/flow.json\nname: n\ndescription: d\n';

const scratch: Array<() => Promise<void>> = [];
async function tempDir(): Promise<string> {
  const { path, dispose } = await scratchDirectory();
  scratch.push(dispose);
  return path;
}
afterEach(async () => {
  for (const dispose of scratch.splice(0)) await dispose();
});

/** Writes `flow.yaml` (and `stepflow-config.yml` when given) into a fresh directory. */
async function project(flow: string, config?: string): Promise<{ dir: string; flow: string }> {
  const dir = await tempDir();
  await writeFile(join(dir, 'flow.yaml'), `${SCHEMA}${flow}`);
  if (config !== undefined) await writeFile(join(dir, 'stepflow-config.yml'), config);
  return { dir, flow: join(dir, 'flow.yaml') };
}

const run = (flow: string): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  runStepflow(['run', '--flow', flow, '--input-json', '{}']);

function stepsUsing(...components: string[]): string {
  const steps = components.map((component, i) => `  - { id: s${i}, component: ${component} }`);
  const outputs = components.map((_, i) => `{ $from: { step: s${i} } }`);
  return `steps:\n${steps.join('\n')}\noutput: [${outputs.join(', ')}]\n`;
}

describe('validate and run refuse components that certainly do not exist', () => {
  it('names a misspelt builtin with a did-you-mean and an unknown one, before anything runs', async () => {
    const { flow } = await project(stepsUsing('/builtin/create_mesages', '/nosuch/thing'));
    for (const result of [await runStepflow(['validate', '--flow', flow]), await run(flow)]) {
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(
        "step 's0':component: error: Step 's0' uses component '/builtin/create_mesages', but plugin 'builtin' has no component '/create_mesages' (did you mean '/builtin/create_messages'?)",
      );
      expect(result.stderr).toContain(
        "Step 's1' uses component '/nosuch/thing', but plugin 'builtin' has no component '/nosuch/thing'",
      );
    }
  });

  it('--check-components checks the lists of component servers, and stops them', async () => {
    const pidFile = join(await tempDir(), 'server.pid');
    const server = join(FIXTURES, 'servers', 'list-server.mjs');
    const config = `plugins:
  py:
    type: stepflow
    transport: stdio
    command: node
    args: [${JSON.stringify(server)}]
    env: { PID_FILE: ${JSON.stringify(pidFile)} }
routes:
  /py/{*component}:
    - plugin: py
`;
    const { flow } = await project(stepsUsing('/py/trasnform'), config);

    // Without the flag the server's list is unknown: nothing is started, nothing is reported.
    const quick = await runStepflow(['validate', '--flow', flow]);
    expect(quick.code).toBe(0);
    expect(existsSync(pidFile)).toBe(false);

    const checked = await runStepflow(['validate', '--flow', flow, '--check-components']);
    expect(checked.code).toBe(2);
    expect(checked.stderr).toContain(
      "but plugin 'py' has no component '/trasnform' (did you mean '/py/transform'?)",
    );
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });
});

describe('validate loads the config exactly as run does', () => {
  it('refuses a plugin config its factory rejects, with the same error', async () => {
    const { flow } = await project(
      stepsUsing('/builtin/eval'),
      'plugins:\n  builtin: { type: builtin }\n  tools: { type: mcp, transport: http, url: not-a-url }\n',
    );
    const validated = await runStepflow(['validate', '--flow', flow]);
    const ran = await run(flow);
    expect(validated.code).toBe(2);
    expect(ran.code).toBe(2);
    const message = "plugins.tools.url: 'url' must be an absolute http(s) URL";
    expect(validated.stderr).toContain(message);
    expect(validated.stderr).toBe(ran.stderr);
  });

  it('names a misspelt plugin key once, with a did-you-mean', async () => {
    const { dir, flow } = await project(
      stepsUsing('/builtin/eval'),
      'plugins:\n  builtin: { type: builtin }\n  greeter: { type: stepflow, transport: stdio, comand: node }\n',
    );
    const config = join(dir, 'stepflow-config.yml');
    for (const result of [await runStepflow(['validate', '--flow', flow]), await run(flow)]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `stepflow: error: config error: ${config}: plugins.greeter.comand: unknown key 'comand' (did you mean 'command'?)\n`,
      );
    }
  });
});

describe('misspelt keys are fatal', () => {
  it('a misspelt step key or $from stops validate and run', async () => {
    const { flow } = await project(`steps:
  - id: s
    component: /builtin/create_messages
    timeoutMS: 5
    input: { user_prompt: { $form: { workflow: input } } }
output: { $from: { step: s } }
`);
    for (const result of [await runStepflow(['validate', '--flow', flow]), await run(flow)]) {
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(
        "fatal: Unknown key 'timeoutMS' in step 's' (did you mean 'timeoutMs'?): as written it would be ignored",
      );
      expect(result.stderr).toContain(
        "fatal: Unknown expression key '$form' in step 's' input (did you mean '$from'?)",
      );
    }
  });
});
