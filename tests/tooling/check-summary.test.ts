// `pnpm check` (scripts/check.mjs) ends with what failed: these tests feed its summariser the
// output of real failed runs, and run it end to end with stand-in commands.
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  prettierFailures,
  runCheck,
  summaryLines,
  turboFailures,
  type CheckStep,
} from '../../scripts/check-lib.mjs';

const fixture = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8');

describe('turboFailures', () => {
  it('names each failed task with the failing tests and the type errors', () => {
    expect(turboFailures(fixture('turbo-failed.txt'), 2)).toEqual([
      {
        task: '@stepflow/jsonrpc#test',
        details: ['FAIL  src/zz-bad.test.ts > fails on purpose'],
      },
      {
        task: '@stepflow/jsonrpc#typecheck',
        details: [
          "src/zz-bad.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.",
        ],
      },
    ]);
  });

  it('gives eslint errors with their file', () => {
    expect(turboFailures(fixture('eslint-failed.txt'), 1)).toEqual([
      {
        task: '@stepflow/runtime#lint',
        details: [
          "/repo/packages/runtime/src/create-runtime.ts:12:7  error  'unused' is assigned a value but never used  @typescript-eslint/no-unused-vars",
        ],
      },
    ]);
  });

  it('reads through colour codes', () => {
    const coloured =
      '\x1b[31m@stepflow/x#test:  ERROR  command (/repo) pnpm run test exited (1)\x1b[0m\n';
    expect(turboFailures(coloured, 1).map((f) => f.task)).toEqual(['@stepflow/x#test']);
  });

  it('reports nothing for a passing run, and the tail of the output when turbo itself failed', () => {
    expect(turboFailures(' Tasks:    3 successful, 3 total\n', 0)).toEqual([]);
    expect(turboFailures('x Unable to find package manager binary\n', 1)).toEqual([
      { task: 'turbo (exit code 1)', details: ['x Unable to find package manager binary'] },
    ]);
  });
});

describe('prettierFailures', () => {
  it('lists the files prettier would change', () => {
    const output = [
      'Checking formatting...',
      '[warn] docs/cli.md',
      '[warn] packages/x/src/y.ts',
      '[warn] Code style issues found in 2 files. Run Prettier with --write to fix.',
    ].join('\n');
    expect(prettierFailures(output, 1)).toEqual(['docs/cli.md', 'packages/x/src/y.ts']);
    expect(prettierFailures('All matched files use Prettier code style!\n', 0)).toEqual([]);
  });
});

describe('summaryLines', () => {
  it('says passed when nothing failed', () => {
    expect(summaryLines([{ name: 'turbo', failures: [] }]).at(-1)).toBe('check: passed (turbo)');
  });
});

/** Collects what is written to it. */
class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const node = (name: string, script: string, failures: CheckStep['failures']): CheckStep => ({
  name,
  command: process.execPath,
  args: ['-e', script],
  failures,
});

describe('runCheck', () => {
  it('runs every step after a failure and ends with the FAILED lines, exiting 1', async () => {
    const stdout = new Sink();
    const stderr = new Sink();
    const turboLog = fixture('turbo-failed.txt');
    const code = await runCheck(
      [
        node(
          'turbo',
          `process.stdout.write(${JSON.stringify(turboLog)}); process.exit(2)`,
          turboFailures,
        ),
        node(
          'prettier',
          `console.log('[warn] docs/cli.md'); console.log('[warn] Code style issues found in the above file. Run Prettier with --write to fix.'); process.exit(1)`,
          (output, exitCode) => {
            const files = prettierFailures(output, exitCode);
            return files.length === 0 ? [] : [{ task: 'prettier --check .', details: files }];
          },
        ),
      ],
      { stdout, stderr },
    );
    expect(code).toBe(1);
    // The steps' own output passes through, the summary comes last.
    expect(stdout.text).toContain('@stepflow/jsonrpc:test:       Tests  1 failed | 35 passed (36)');
    const tail = stdout.text.trimEnd().split('\n').slice(-8);
    expect(tail).toEqual([
      '── check summary ──',
      'FAILED: @stepflow/jsonrpc#test',
      '    FAIL  src/zz-bad.test.ts > fails on purpose',
      'FAILED: @stepflow/jsonrpc#typecheck',
      "    src/zz-bad.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.",
      'FAILED: prettier --check .',
      '    docs/cli.md',
      'check: 3 failed (see FAILED lines above; full output further up)',
    ]);
  });

  it('exits 0 and says passed when every step passes', async () => {
    const stdout = new Sink();
    const code = await runCheck(
      [node('turbo', 'console.log("Tasks: 1 successful")', turboFailures)],
      {
        stdout,
        stderr: new Sink(),
      },
    );
    expect(code).toBe(0);
    expect(stdout.text.trimEnd().split('\n').at(-1)).toBe('check: passed (turbo)');
  });
});
