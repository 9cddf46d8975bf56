import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CONFORMANCE,
  FIXTURES,
  copyFixture,
  runStepflow,
  scratchDirectory,
} from './helpers/run-stepflow.ts';

// Every test spawns real processes; leave room for a loaded CI machine.
vi.setConfig({ testTimeout: 60_000 });

const scratch: Array<() => Promise<void>> = [];
async function tempDir(): Promise<string> {
  const { path, dispose } = await scratchDirectory();
  scratch.push(dispose);
  return path;
}
afterEach(async () => {
  for (const dispose of scratch.splice(0)) await dispose();
});

function summaryOf(stdout: string): string {
  return stdout.slice(stdout.indexOf('=== Test Summary ==='));
}

describe('stepflow test: the reference conformance flows', () => {
  it('passes every case, skips the file without tests, and prints the exact summary', async () => {
    const result = await runStepflow(['test', CONFORMANCE]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${join(CONFORMANCE, 'basic.yaml')}: 2/2 passed`);
    expect(result.stdout).toContain(
      `${join(CONFORMANCE, 'builtins', 'blob_test.yaml')}: 2/2 passed`,
    );
    expect(result.stdout).toContain(`${join(CONFORMANCE, 'mock', 'basic.yaml')}: 3/3 passed`);
    expect(result.stdout).toContain(
      `${join(CONFORMANCE, 'no_tests.yaml')}: Skipped (no test cases)`,
    );
    expect(summaryOf(result.stdout)).toBe(
      [
        '=== Test Summary ===',
        'Files tested: 9',
        'Files skipped: 1',
        'Total test cases: 20',
        'Passed: 20',
        'Failed: 0',
        'Execution errors: 0',
        '',
      ].join('\n'),
    );
  });
});

describe('stepflow test: failures, --diff, --case and --update', () => {
  it('reports a mismatch and a missing expectation as failures (exit 1)', async () => {
    const result = await runStepflow(['test', join(FIXTURES, 'flows', 'greet.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Running Test Case passes');
    expect(result.stdout).toContain('Test Case wrong expectation failed. New Output:');
    expect(result.stdout).toContain(
      'Test Case no expectation has no expected output. Actual Output:',
    );
    expect(result.stdout).toContain('greet.yaml: 1/3 passed');
    expect(summaryOf(result.stdout)).toContain('Passed: 1\nFailed: 2\nExecution errors: 0');
  });

  it('prints a unified diff with --diff', async () => {
    const result = await runStepflow([
      'test',
      join(FIXTURES, 'flows', 'greet.yaml'),
      '--diff',
      '--case',
      'wrong expectation',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('--- expected');
    expect(result.stdout).toContain('+++ actual');
    expect(result.stdout).toMatch(/^-\s+- content: Robert$/m);
    expect(result.stdout).toMatch(/^\+\s+- content: Bob$/m);
  });

  it('--strict also compares error.data the expectation leaves out', async () => {
    const flow = join(CONFORMANCE, 'mock', 'basic.yaml');
    const lenient = await runStepflow(['test', flow, '--case', "test with input 'world'"]);
    expect(lenient.code).toBe(0);
    const strict = await runStepflow([
      'test',
      flow,
      '--case',
      "test with input 'world'",
      '--strict',
    ]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('data:');
  });

  it('runs only the cases named by --case (repeatable)', async () => {
    const one = await runStepflow([
      'test',
      join(FIXTURES, 'flows', 'greet.yaml'),
      '--case',
      'passes',
    ]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('greet.yaml: 1/1 passed');
    expect(one.stdout).not.toContain('Running Test Case wrong expectation');
    const two = await runStepflow([
      'test',
      join(FIXTURES, 'flows', 'greet.yaml'),
      '--case',
      'passes',
      '--case',
      'no expectation',
    ]);
    expect(two.stdout).toContain('greet.yaml: 1/2 passed');
    const none = await runStepflow([
      'test',
      join(FIXTURES, 'flows', 'greet.yaml'),
      '--case',
      'absent',
    ]);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('Skipped (no test case matches --case)');
  });

  it('--update writes the actual outputs, keeping comments, and the file then passes', async () => {
    const directory = await tempDir();
    const file = join(directory, 'greet.yaml');
    await cp(join(FIXTURES, 'flows', 'greet.yaml'), file);
    await writeFile(file, `# keep this comment\n${await readFile(file, 'utf8')}`);
    const update = await runStepflow(['test', file, '--update']);
    expect(update.code).toBe(1);
    expect(update.stdout).toContain('updated the expected output of 2 test case(s)');
    const text = await readFile(file, 'utf8');
    expect(text.startsWith('# keep this comment\n')).toBe(true);
    expect(text).toContain('content: Bob');
    expect(text).toContain('content: Cy');
    const again = await runStepflow(['test', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('greet.yaml: 3/3 passed');
  });
});

describe('stepflow test: collection and config resolution', () => {
  it('says "No workflow files found" for a directory without flows (exit 0)', async () => {
    const directory = await tempDir();
    await writeFile(join(directory, 'notes.yaml'), 'just: data\n');
    const result = await runStepflow(['test', directory]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('No workflow files found\n');
  });

  it('exits 2 for a path that does not exist', async () => {
    const result = await runStepflow(['test', 'no/such/dir']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no/such/dir');
  });

  it('counts a YAML file that does not parse as an execution error naming it', async () => {
    const directory = await tempDir();
    await writeFile(
      join(directory, 'broken.yaml'),
      'schema: https://stepflow.org/schemas/v1/flow.json\nsteps: [1,\n',
    );
    await writeFile(join(directory, 'other.yaml'), 'not: [a flow\n');
    const result = await runStepflow(['test', directory]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/broken\.yaml: Execution error: invalid YAML/);
    expect(summaryOf(result.stdout)).toContain('Execution errors: 1');
  });

  it('starts test.servers on a free port and substitutes {name.url} into args, env and test.config', async () => {
    const directory = await tempDir();
    const copy = await copyFixture('servers', directory);
    const result = await runStepflow(['test', join(copy, 'flow.yaml')]);
    expect(result.stdout).toContain('flow.yaml: 1/1 passed');
    expect(result.code).toBe(0);
    const info = JSON.parse(await readFile(join(copy, 'server-info.json'), 'utf8'));
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:18\d{3}$/);
  });

  it('reports a test server that exits before it is ready as an execution error naming it', async () => {
    const result = await runStepflow(['test', join(FIXTURES, 'servers', 'crash.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'test.servers.broken: the server exited before it was ready (code 3)',
    );
    expect(result.stdout).toContain('boom');
    expect(summaryOf(result.stdout)).toContain('Execution errors: 1');
  });

  it('uses the inline test.config and compares numbers by value (42 == 42.0)', async () => {
    const result = await runStepflow(['test', join(FIXTURES, 'inline-config', 'flow.yaml')]);
    expect(result.stdout).toContain('flow.yaml: 1/1 passed');
    expect(result.code).toBe(0);
  });

  it('prefers stepflow-config.test.yml over stepflow-config.yml, and --config over both', async () => {
    const flow = join(FIXTURES, 'test-config', 'flow.yaml');
    const preferred = await runStepflow(['test', flow]);
    expect(preferred.code).toBe(0);
    const overridden = await runStepflow([
      'test',
      flow,
      '--config',
      join(FIXTURES, 'test-config', 'stepflow-config.yml'),
    ]);
    expect(overridden.code).toBe(1);
    expect(overridden.stdout).toContain('answer: from the normal config');
  });

  it('counts cases of a flow with fatal diagnostics as execution errors', async () => {
    const directory = await tempDir();
    const file = await copyFixture('flows/duplicate-step.yaml', directory);
    await writeFile(
      file,
      `${await readFile(file, 'utf8')}test:\n  cases:\n    - name: one\n      input: {}\n`,
    );
    const result = await runStepflow(['test', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('twin');
    expect(summaryOf(result.stdout)).toContain('Execution errors: 1');
  });

  it('runs the README example flow cases', async () => {
    const result = await runStepflow([
      'test',
      join(FIXTURES, '..', '..', '..', '..', 'examples', 'hello'),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/flow\.yaml: (\d+)\/\1 passed/);
  });
});
