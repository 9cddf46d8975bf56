import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, MARKER_VARIABLE, processesWithMarker, runCli } from './harness.ts';

const directories: string[] = [];

afterEach(async () => {
  for (const dir of directories.splice(0)) await rm(dir, { recursive: true, force: true });
});

/**
 * A workspace whose flow blocks on what no signal interrupts: a component server that ignores
 * signals and stdin's end and never answers, and `load_file` of a FIFO nobody writes to.
 */
async function blockedWorkspace(): Promise<{ dir: string; marker: string; flow: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'stepflow-signals-'));
  directories.push(dir);
  const marker = randomUUID();
  execFileSync('mkfifo', [join(dir, 'never-written.fifo')]);
  await writeFile(
    join(dir, 'stepflow-config.yml'),
    `plugins:
  builtin: { type: builtin }
  stubborn:
    type: stepflow
    transport: stdio
    command: ${JSON.stringify(process.execPath)}
    args: [${JSON.stringify(join(FIXTURES, 'stubborn-server.mjs'))}]
    env: { ${MARKER_VARIABLE}: ${marker} }
routes:
  /stubborn/{*component}:
    - plugin: stubborn
  /builtin/{*component}:
    - plugin: builtin
`,
  );
  const flow = join(dir, 'flow.yaml');
  await writeFile(
    flow,
    `schema: https://stepflow.org/schemas/v1/flow.json
steps:
  - id: fifo
    component: /builtin/load_file
    input: { path: never-written.fifo, format: text }
  - id: wait
    component: /stubborn/wait
    input: {}
output:
  fifo: { $from: { step: fifo } }
  wait: { $from: { step: wait } }
`,
  );
  return { dir, marker, flow };
}

describe('stepflow run ends on a signal whatever it waits for', () => {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${signal}: prints a cancelled result, ends by the signal, leaves no child`, async () => {
      const { dir, marker, flow } = await blockedWorkspace();
      let sent = false;
      const result = await runCli(
        ['--log-level', 'debug', 'run', '--flow', flow, '--input-json', '{}'],
        {
          cwd: dir,
          // Short, so the stubborn server outlives it and must be killed.
          env: { STEPFLOW_SHUTDOWN_GRACE_MS: '300' },
          onStderr: (text, child) => {
            if (!sent && text.includes("component server 'stubborn' is ready")) {
              sent = true;
              child.kill(signal);
            }
          },
        },
      );
      expect(sent).toBe(true);
      expect(result.signal).toBe(signal);
      expect(JSON.parse(result.stdout)).toMatchObject({
        outcome: 'failed',
        error: { code: 410, message: 'Run cancelled' },
      });
      expect(await processesWithMarker(marker)).toEqual([]);
    });
  }
});
