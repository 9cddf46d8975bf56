// `stepflow worker` and the scale-out options of `serve`: bad usage is refused up front, naming
// what is wrong, and nothing is left running.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../service/service-harness.ts';

function stepflow(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    void mkdtemp(join(tmpdir(), 'stepflow-worker-')).then((cwd) =>
      execFile(process.execPath, [CLI, ...args], { cwd }, (error, _stdout, stderr) =>
        done({ code: error === null ? 0 : (error.code as number), stderr }),
      ),
    );
  });
}

describe('stepflow worker usage', () => {
  it('refuses a store nobody else can share', async () => {
    const { code, stderr } = await stepflow(['worker', '--store', 'memory']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/needs a state store shared with other runtimes/);
  });

  it.each([
    [
      ['worker', '--store', 'memory', '--max-runs', '0'],
      /--max-runs 0: expected a positive integer/,
    ],
    [['worker', '--lease-ttl', 'soon'], /--lease-ttl soon: expected a positive integer/],
    [
      ['serve', '--port', '0', '--drain-timeout', '-5'],
      /--drain-timeout -5: expected a positive integer/,
    ],
  ])('refuses %j', async (args, message) => {
    const { code, stderr } = await stepflow(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
