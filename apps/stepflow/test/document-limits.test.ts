import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIXTURES, runStepflow, scratchDirectory } from './helpers/run-stepflow.ts';

// Every test spawns real processes; leave room for a loaded CI machine.
vi.setConfig({ testTimeout: 60_000 });

const GREET = join(FIXTURES, 'flows', 'greet.yaml');
const LIMIT = 16 * 1024 * 1024;
/** `café` in Latin-1: the é is the single byte 0xe9, which is not UTF-8. */
const LATIN1 = Buffer.from([0x63, 0x61, 0x66, 0xe9]);

const scratch: Array<() => Promise<void>> = [];
async function tempDir(): Promise<string> {
  const { path, dispose } = await scratchDirectory();
  scratch.push(dispose);
  return path;
}
afterEach(async () => {
  for (const dispose of scratch.splice(0)) await dispose();
});

function expectRefused(result: { code: number | null; stdout: string; stderr: string }): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
}

describe('stepflow: documents that are not UTF-8', () => {
  it('refuses a flow file with the file, byte offset and line of the first bad byte', async () => {
    const directory = await tempDir();
    const flow = join(directory, 'flow.yaml');
    const text = await readFile(GREET);
    const offset = text.indexOf('One builtin');
    await writeFile(flow, Buffer.concat([text.subarray(0, offset), LATIN1, text.subarray(offset)]));
    for (const args of [['run', '--input-json', '{}'], ['validate']]) {
      const result = await runStepflow([...args, '--flow', flow]);
      expectRefused(result);
      expect(result.stderr).toContain(
        `${flow}:3: not valid UTF-8: byte 0xe9 at byte offset ${offset + 3}; save the document as UTF-8`,
      );
    }
  });

  it('refuses a config file, naming it', async () => {
    const directory = await tempDir();
    const config = join(directory, 'stepflow-config.yml');
    await writeFile(
      config,
      Buffer.concat([Buffer.from('# '), LATIN1, Buffer.from('\nplugins: {}\n')]),
    );
    const result = await runStepflow(['validate', '--flow', GREET, '--config', config]);
    expectRefused(result);
    expect(result.stderr).toContain(
      `${config}: line 1: not valid UTF-8: byte 0xe9 at byte offset 5`,
    );
  });

  it('refuses an input file and stdin', async () => {
    const directory = await tempDir();
    const input = join(directory, 'in.json');
    await writeFile(input, Buffer.concat([Buffer.from('{"name":"'), LATIN1, Buffer.from('"}')]));
    const fromFile = await runStepflow(['run', '--flow', GREET, '--input', input]);
    expectRefused(fromFile);
    expect(fromFile.stderr).toContain(`${input}:1: not valid UTF-8: byte 0xe9 at byte offset 12`);
    const fromStdin = await runStepflow(['run', '--flow', GREET], {
      stdin: Buffer.concat([Buffer.from('{"name":"'), LATIN1, Buffer.from('"}')]),
    });
    expectRefused(fromStdin);
    expect(fromStdin.stderr).toContain('stdin:1: not valid UTF-8: byte 0xe9 at byte offset 12');
  });
});

describe('stepflow: document size and shape limits', () => {
  it('refuses an input file over the size limit, naming the file and the limit', async () => {
    const directory = await tempDir();
    const input = join(directory, 'big.json');
    await writeFile(input, `{"name":"${'a'.repeat(LIMIT)}"}`);
    const result = await runStepflow(['run', '--flow', GREET, '--input', input]);
    expectRefused(result);
    expect(result.stderr).toContain(
      `${input}: the document is ${LIMIT + 11} bytes, over the 16 MiB limit for flow, config and input documents`,
    );
  });

  it('refuses stdin over the size limit', async () => {
    const result = await runStepflow(['run', '--flow', GREET], {
      stdin: `{"name":"${'a'.repeat(LIMIT)}"}`,
    });
    expectRefused(result);
    expect(result.stderr).toContain(
      'stdin: the document is more than 16 MiB, over the 16 MiB limit',
    );
  });

  it('refuses a flow nested absurdly deep, naming the file, without crashing', async () => {
    const directory = await tempDir();
    const depth = 1_000_000;
    const yaml = join(directory, 'deep.yaml');
    await writeFile(
      yaml,
      `schema: https://stepflow.org/schemas/v1/flow.json\noutput:\n  ${'- '.repeat(depth)}1\n`,
    );
    const json = join(directory, 'deep.json');
    await writeFile(json, `{"output":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    for (const flow of [yaml, json]) {
      const result = await runStepflow(['validate', '--flow', flow]);
      expectRefused(result);
      expect(result.stderr).toMatch(
        new RegExp(
          `${flow.replace(/[.]/g, '\\.')}(:\\d+:\\d+)?: the document nests objects and lists more than 128 deep`,
        ),
      );
    }
  });

  it('refuses a flow that gives a key twice, naming the file, line and place', async () => {
    const directory = await tempDir();
    const flow = join(directory, 'flow.yaml');
    const text = (await readFile(GREET, 'utf8')).replace(
      '      user_prompt:',
      '      user_prompt: first\n      user_prompt:',
    );
    await writeFile(flow, text);
    const result = await runStepflow(['validate', '--flow', flow]);
    expectRefused(result);
    expect(result.stderr).toContain(
      `${flow}:14:7: invalid YAML: duplicate key 'user_prompt' in steps[0].input (a key may appear only once in a mapping)`,
    );
  });
});
