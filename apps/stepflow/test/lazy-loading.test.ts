import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, runStepflow } from './helpers/run-stepflow.ts';

// What a command loads decides how fast it starts: a builtin-only run must not load zod (the
// protocol's schemas), the state stores or the component-server plugin. A module hook records
// the text of every file of the bundle the process loads.

/** Markers of code that a builtin-only run has no use for. */
const MARKERS = {
  zod: '"$ZodType"',
  componentServerPlugin: 'ComponentServerPlugin',
  memoryStateStore: 'function createMemoryStateStore',
};

let dir: string;
let register: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stepflow-lazy-'));
  const hooks = join(dir, 'hooks.mjs');
  await writeFile(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  const loaded = await next(url, context);
  if (url.includes('/apps/stepflow/dist/') && loaded.source !== undefined)
    appendFileSync(process.env.STEPFLOW_LOADED_LOG, String(loaded.source) + '\\n');
  return loaded;
}
`,
  );
  register = join(dir, 'register.mjs');
  await writeFile(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `stepflow` with the hook and says which markers the loaded code contains. */
async function loadedMarkers(
  name: string,
  args: readonly string[],
  expectSuccess = true,
): Promise<string[]> {
  const log = join(dir, `${name}.log`);
  await writeFile(log, '');
  const result = await runStepflow(args, {
    env: { NODE_OPTIONS: `--import ${register}`, STEPFLOW_LOADED_LOG: log },
  });
  if (expectSuccess) expect(result.code, result.stderr).toBe(0);
  const text = await readFile(log, 'utf8');
  return Object.entries(MARKERS)
    .filter(([, marker]) => text.includes(marker))
    .map(([key]) => key);
}

describe('what a command loads', () => {
  it('a builtin-only run loads neither zod, the stores nor the component-server plugin', async () => {
    const flow = join(FIXTURES, 'flows', 'greet.yaml');
    expect(
      await loadedMarkers('builtin', ['run', '--flow', flow, '--input-json', '{"name":"Ada"}']),
    ).toEqual([]);
  });

  it('a run with a component server configured loads its plugin and schemas', async () => {
    const config = join(dir, 'stepflow-config.yml');
    await writeFile(
      config,
      'plugins:\n  builtin:\n    type: builtin\n  python:\n    type: stepflow\n    transport: stdio\n    command: "true"\n',
    );
    const flow = join(FIXTURES, 'flows', 'greet.yaml');
    // The server exits at once: the run fails, after the plugin was loaded to start it.
    const markers = await loadedMarkers(
      'server',
      ['run', '--flow', flow, '--config', config, '--input-json', '{"name":"Ada"}'],
      false,
    );
    expect(markers).toEqual(expect.arrayContaining(['zod', 'componentServerPlugin']));
  });
});
