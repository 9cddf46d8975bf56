import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from '../service/service-harness.ts';

/** A `stepflow worker` child, ready once it said it claims. */
export async function startWorker(cwd: string, args: readonly string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, 'worker', ...args], {
    cwd,
    env: { ...process.env, STEPFLOW_TOKEN: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  await new Promise<void>((done, fail) => {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (/stepflow: worker \S+ on store postgres/.test(stderr)) done();
    });
    child.once('exit', (code) => fail(new Error(`stepflow worker exited ${code}: ${stderr}`)));
  });
  return child;
}
