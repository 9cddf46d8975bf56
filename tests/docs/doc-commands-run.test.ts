// Every shell command shown in README.md, docs/*.md and the READMEs of apps, packages and
// examples runs from the repository root and exits 0, except the few in SKIPPED (each with its
// reason). A component server a doc starts by hand is started as shown (on a port the system
// picks, given to the later commands as SAMPLE_PORT) and stopped after the doc's last command.
// A failure names the doc file and line.
import { afterAll, describe, expect, it } from 'vitest';
import { docCommands, docFiles, where } from './doc-commands.ts';
import { SERVER, failure, runShell, skipReason, startServer, type DocServer } from './doc-shell.ts';

const withCommands = docFiles().filter((file) => docCommands(file).length > 0);

describe.each(withCommands)('the commands in %s run', (file) => {
  const commands = docCommands(file);
  const servers: DocServer[] = [];
  const env: Record<string, string> = {};
  afterAll(async () => {
    for (const server of servers.splice(0)) await server.stop();
  });

  for (const command of commands) {
    const why = skipReason(command.command);
    if (why !== undefined) {
      it.skip(`${where(command)} ${command.command} — skipped: ${why}`, () => {});
      continue;
    }
    if (SERVER.test(command.command)) {
      it(`${where(command)} ${command.command} (started in the background)`, async () => {
        const server = await startServer(command);
        servers.push(server);
        env['SAMPLE_PORT'] = server.port;
      });
      continue;
    }
    it(`${where(command)} ${command.command}`, async () => {
      const exit = await runShell(command.command, env);
      expect(exit.code, failure(command, exit, 0)).toBe(0);
    });
  }
});
