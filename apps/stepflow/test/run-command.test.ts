import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CONFORMANCE, FIXTURES, runStepflow, scratchDirectory } from './helpers/run-stepflow.ts';

// Every test spawns real processes; leave room for a loaded CI machine.
vi.setConfig({ testTimeout: 60_000 });

const GREET = join(FIXTURES, 'flows', 'greet.yaml');
const ADA = { outcome: 'success', result: { messages: [{ role: 'user', content: 'Ada' }] } };

const scratch: Array<() => Promise<void>> = [];
async function tempDir(): Promise<string> {
  const { path, dispose } = await scratchDirectory();
  scratch.push(dispose);
  return path;
}
afterEach(async () => {
  for (const dispose of scratch.splice(0)) await dispose();
});

describe('stepflow run: input sources', () => {
  it('reads --input-json and writes only the FlowResult JSON to stdout', async () => {
    const result = await runStepflow(['run', '--flow', GREET, '--input-json', '{"name":"Ada"}']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(ADA);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('reads --input-yaml', async () => {
    const result = await runStepflow(['run', '--flow', GREET, '--input-yaml', 'name: Ada']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(ADA);
  });

  it('reads --input from a .json and a .yaml file', async () => {
    const directory = await tempDir();
    await writeFile(join(directory, 'in.json'), '{"name":"Ada"}');
    await writeFile(join(directory, 'in.yaml'), 'name: Ada\n');
    for (const file of ['in.json', 'in.yaml']) {
      const result = await runStepflow(['run', '--flow', GREET, '--input', join(directory, file)]);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual(ADA);
    }
  });

  it('reads stdin as JSON by default and as YAML with --stdin-format yaml', async () => {
    const json = await runStepflow(['run', '--flow', GREET], { stdin: '{"name":"Ada"}' });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(ADA);
    const yaml = await runStepflow(['run', '--flow', GREET, '--stdin-format', 'yaml'], {
      stdin: 'name: Ada\n',
    });
    expect(yaml.code).toBe(0);
    expect(JSON.parse(yaml.stdout)).toEqual(ADA);
  });

  it('writes --output as JSON or YAML by extension, leaving stdout empty', async () => {
    const directory = await tempDir();
    const jsonFile = join(directory, 'out.json');
    const yamlFile = join(directory, 'out.yaml');
    const json = await runStepflow([
      'run',
      '--flow',
      GREET,
      '--input-json',
      '{"name":"Ada"}',
      '--output',
      jsonFile,
    ]);
    expect(json.code).toBe(0);
    expect(json.stdout).toBe('');
    expect(JSON.parse(await readFile(jsonFile, 'utf8'))).toEqual(ADA);
    await runStepflow(['run', '--flow', GREET, '--input-json', '{"name":"Ada"}', '-o', yamlFile]);
    expect(await readFile(yamlFile, 'utf8')).toContain('outcome: success');
  });
});

describe('stepflow run: exit codes', () => {
  const mock = (name: string) => join(CONFORMANCE, 'mock', name);

  it('exits 1 when the flow fails, still printing the result', async () => {
    const result = await runStepflow([
      'run',
      '--flow',
      mock('error_fail.yaml'),
      '--input-json',
      '{"mode":"error"}',
    ]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      outcome: 'failed',
      error: { code: 8, message: 'error' },
    });
  });

  it('exits 0 when the flow is skipped', async () => {
    const result = await runStepflow([
      'run',
      '--flow',
      mock('error_skip.yaml'),
      '--input-json',
      '{"mode":"error"}',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ outcome: 'skipped' });
  });

  it('shows help and exits 0', async () => {
    for (const args of [['--help'], ['run', '--help'], ['test', '--help'], ['help', 'visualize']]) {
      const result = await runStepflow(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: stepflow');
    }
  });

  it('exits 2 for an unknown command, an unknown option or a missing --flow', async () => {
    const noCommand = await runStepflow([]);
    expect(noCommand.code).toBe(2);
    expect(noCommand.stderr).toContain('Usage: stepflow');
    for (const args of [['frobnicate'], ['run', '--flow', GREET, '--bogus'], ['run']]) {
      const result = await runStepflow(args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/error/);
    }
  });
});

describe('stepflow run: bad flow, config or input (exit 2, nothing run)', () => {
  const expectUsageError = (
    result: { code: number | null; stdout: string; stderr: string },
    pattern: RegExp,
  ) => {
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(pattern);
  };

  it('names a missing flow file', async () => {
    expectUsageError(
      await runStepflow(['run', '--flow', 'nope.yaml', '--input-json', '{}']),
      /nope\.yaml/,
    );
  });

  it('names the file and line of a YAML syntax error', async () => {
    const directory = await tempDir();
    const file = join(directory, 'broken.yaml');
    await writeFile(
      file,
      'schema: https://stepflow.org/schemas/v1/flow.json\nsteps:\n  - id: a\n    component: [unclosed\n',
    );
    expectUsageError(
      await runStepflow(['run', '--flow', file, '--input-json', '{}']),
      /broken\.yaml.*invalid YAML/,
    );
  });

  it('lists fatal diagnostics naming the step', async () => {
    const result = await runStepflow([
      'run',
      '--flow',
      join(FIXTURES, 'flows', 'duplicate-step.yaml'),
      '--input-json',
      '{}',
    ]);
    expectUsageError(result, /twin/);
    expect(result.stderr).toMatch(/fatal/);
  });

  it('names the config file and field of a bad route', async () => {
    const result = await runStepflow([
      'run',
      '--flow',
      GREET,
      '--config',
      join(FIXTURES, 'configs', 'bad-route.yml'),
      '--input-json',
      '{"name":"Ada"}',
    ]);
    expectUsageError(result, /bad-route\.yml/);
    expect(result.stderr).toMatch(/missing_plugin/);
  });

  it('names --input-json when it is not JSON', async () => {
    expectUsageError(
      await runStepflow(['run', '--flow', GREET, '--input-json', '{name']),
      /--input-json:1:2: invalid JSON/,
    );
  });

  it('names --input-yaml, and an input file with its line, when they are not YAML', async () => {
    expectUsageError(
      await runStepflow(['run', '--flow', GREET, '--input-yaml', 'a: [1,']),
      /--input-yaml:1:\d+: invalid YAML/,
    );
    const directory = await tempDir();
    const file = join(directory, 'in.yaml');
    await writeFile(file, 'name: Ada\nname: Bob\n');
    expectUsageError(
      await runStepflow(['run', '--flow', GREET, '--input', file]),
      /in\.yaml:2:\d+: invalid YAML/,
    );
    expectUsageError(
      await runStepflow(['run', '--flow', GREET, '--input', join(directory, 'missing.json')]),
      /missing\.json: cannot read input file: no such file/,
    );
  });

  it('lists every inputSchema violation and writes no output file', async () => {
    const directory = await tempDir();
    const out = join(directory, 'out.json');
    const result = await runStepflow([
      'run',
      '--flow',
      GREET,
      '--input-json',
      '{"name":7}',
      '--output',
      out,
    ]);
    expectUsageError(result, /name/);
    expect(existsSync(out)).toBe(false);
  });

  it('skips input validation with --no-validate', async () => {
    const result = await runStepflow([
      'run',
      '--flow',
      GREET,
      '--input-json',
      '{"name":"Ada","extra":1}',
      '--no-validate',
    ]);
    expect(result.code).toBe(0);
    const invalid = await runStepflow([
      'run',
      '--flow',
      GREET,
      '--input-json',
      '{}',
      '--no-validate',
    ]);
    // Without validation the missing field is a step failure inside the result, not a usage error.
    expect(invalid.code).toBe(1);
    expect(JSON.parse(invalid.stdout).outcome).toBe('failed');
  });

  it('rejects two input sources, empty stdin and an unknown output extension', async () => {
    expectUsageError(
      await runStepflow(['run', '--flow', GREET, '--input-json', '{}', '--input-yaml', 'a: 1']),
      /only one input source/,
    );
    expectUsageError(await runStepflow(['run', '--flow', GREET]), /stdin was empty/);
    expectUsageError(
      await runStepflow([
        'run',
        '--flow',
        GREET,
        '--input-json',
        '{"name":"Ada"}',
        '--output',
        'no/such/dir/out.json',
      ]),
      /no\/such\/dir\/out\.json: directory .* does not exist/,
    );
    expectUsageError(
      await runStepflow([
        'run',
        '--flow',
        GREET,
        '--input-json',
        '{"name":"Ada"}',
        '--output',
        'out.txt',
      ]),
      /out\.txt: unrecognised extension/,
    );
  });
});

describe('global logging flags', () => {
  it('writes JSON log lines to stderr with --log-format json, never to stdout', async () => {
    const result = await runStepflow([
      '--log-level',
      'info',
      '--log-format',
      'json',
      'run',
      '--flow',
      GREET,
      '--input-json',
      '{"name":"Ada"}',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(ADA);
    const lines = result.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(
      lines.some((line) => line.msg === 'run finished' && typeof line.run_id === 'string'),
    ).toBe(true);
  });

  it('rejects an unknown log level with exit 2', async () => {
    const result = await runStepflow(['--log-level', 'loud', 'run', '--flow', GREET]);
    expect(result.code).toBe(2);
  });
});
