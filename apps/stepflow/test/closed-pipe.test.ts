import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI } from './helpers/run-stepflow.ts';

describe('stdout closed by the reader', () => {
  it('ends quietly, as `stepflow … | head -1` expects, instead of crashing on EPIPE', async () => {
    const child = spawn(process.execPath, [CLI, 'test', '--help'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // Close our end before the command writes, so its write hits a pipe with no reader.
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js/);
    expect(code).toBe(0);
  });
});
