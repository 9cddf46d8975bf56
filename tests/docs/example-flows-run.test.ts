// Every example flow runs with `stepflow run` on the input of its first test case and ends with
// that case's outcome; an example whose README starts a component server by hand gets that
// server, started as the README shows (on a port the system picks, as SAMPLE_PORT).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadFlowFile } from '@stepflow/runtime';
import { describe, expect, it } from 'vitest';
import { ROOT, docCommands, exampleFlows } from './doc-commands.ts';
import { SERVER, failure, runShell, startServer } from './doc-shell.ts';

describe('every example flow runs with stepflow run', () => {
  it.each(exampleFlows())('%s', async (flowFile) => {
    const { flow } = await loadFlowFile(join(ROOT, flowFile));
    const first = flow.test?.cases?.[0];
    expect(first, `${flowFile} has no test case to take an input from`).toBeDefined();
    const outcome = (first!.output as { outcome?: string } | undefined)?.outcome ?? 'success';
    const expected = outcome === 'failed' ? 1 : 0;

    // A server the example's README starts by hand is started the same way.
    const readme = join(dirname(flowFile), 'README.md');
    const serverCommand = existsSync(join(ROOT, readme))
      ? docCommands(readme).find((command) => SERVER.test(command.command))
      : undefined;
    const server = serverCommand === undefined ? undefined : await startServer(serverCommand);
    try {
      const input = JSON.stringify(first!.input ?? {});
      const command = `stepflow run --flow ${flowFile} --input-json '${input.replaceAll("'", "'\\''")}'`;
      const exit = await runShell(
        command,
        server === undefined ? {} : { SAMPLE_PORT: server.port },
      );
      expect(exit.code, failure(`${flowFile}: \`${command}\``, exit, expected)).toBe(expected);
      expect((JSON.parse(exit.stdout) as { outcome: string }).outcome).toBe(outcome);
    } finally {
      await server?.stop();
    }
  });

  it('each yaml-language-server schema an example names exists (after the build)', () => {
    for (const flowFile of exampleFlows()) {
      const modeline = /^# yaml-language-server: \$schema=(\S+)/m.exec(
        readFileSync(join(ROOT, flowFile), 'utf8'),
      );
      if (modeline === null) continue;
      const schema = join(ROOT, dirname(flowFile), modeline[1]!);
      expect(existsSync(schema), `${flowFile}: ${modeline[1]} does not exist`).toBe(true);
    }
  });
});
