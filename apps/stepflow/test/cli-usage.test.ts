import { statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { runStepflow, scratchDirectory } from './helpers/run-stepflow.ts';

// Every test spawns real processes; leave room for a loaded CI machine.
vi.setConfig({ testTimeout: 60_000 });

describe('stepflow help', () => {
  it('lists every command with its options and arguments', async () => {
    const result = await runStepflow(['--help']);
    expect(result.code).toBe(0);
    const commands = result.stdout.split('Commands:\n')[1]?.replace(/\s+/g, ' ').trim();
    expect(commands).toBe(
      [
        'run [options] Run a flow once and write its FlowResult JSON to stdout',
        'test [options] [paths...] Run the test cases in flow files (directories are searched for *.yaml / *.yml)',
        'runs List, inspect, resume and cancel the runs in a durable state store',
        'validate [options] Check a flow (and its config) without running it; diagnostics go to stderr',
        'list-components [options] List the components of every configured plugin and the routes that reach them',
        'visualize [options] Draw the dependency graph of a flow as Mermaid or Graphviz DOT text',
        'serve [options] Serve the Stepflow HTTP API: store flows, start runs and batches, stream events',
        'worker [options] Execute the runs of a shared state store (no API): claim, run, hand back on stop',
        'mcp [options] Serve flows as MCP tools and runs as MCP resources over stdio',
        'submit [options] Run a flow on a stepflow service and write its FlowResult JSON to stdout',
        'submit-batch [options] Run a flow once per line of a JSONL file on a stepflow service; results as JSONL',
        'help [command] display help for command',
      ].join(' '),
    );
  });

  it('loads only the command-line parser, none of the commands or the runtime', async () => {
    // A module hook reports every file the process loads; their sizes bound what start-up parses.
    const scratch = await scratchDirectory();
    try {
      const hooks = join(scratch.path, 'hooks.mjs');
      await writeFile(
        hooks,
        "export async function load(url, context, next) {\n  if (url.startsWith('file:')) process._rawDebug(`loaded ${url}`);\n  return next(url, context);\n}\n",
      );
      const register = join(scratch.path, 'register.mjs');
      await writeFile(
        register,
        `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
      );
      const result = await runStepflow(['--help'], {
        env: { NODE_OPTIONS: `--import=${pathToFileURL(register).href}` },
      });
      expect(result.code).toBe(0);
      const loaded = [...result.stderr.matchAll(/^loaded (file:\S+)$/gm)]
        .map((match) => fileURLToPath(match[1]!))
        .filter((file) => file !== register);
      expect(loaded.filter((file) => /command|logger/.test(file))).toEqual([]);
      const bytes = loaded.reduce((total, file) => total + statSync(file).size, 0);
      expect(bytes).toBeLessThan(300_000);
    } finally {
      await scratch.dispose();
    }
  });

  it("shows a command's own options, after global options too", async () => {
    for (const args of [
      ['help', 'run'],
      ['run', '--help'],
      ['--log-level', 'debug', 'run', '--help'],
    ]) {
      const result = await runStepflow(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: stepflow run [options]');
      expect(result.stdout).toContain('--input-json <json>');
    }
  });
});

describe('usage errors', () => {
  it("reports the flag parser's errors in stepflow's style, exit code 2", async () => {
    const cases: [string[], string][] = [
      [['frobnicate'], "stepflow: error: unknown command 'frobnicate'"],
      [['run'], "stepflow: error: required option '-f, --flow <file>' not specified"],
      [['visualize', '--flow', 'f.yaml', '--bogus'], "stepflow: error: unknown option '--bogus'"],
      [
        ['--log-level', 'loud', 'run'],
        "stepflow: error: option '--log-level <level>' argument 'loud' is invalid. " +
          'Allowed choices are debug, info, warn, error, silent.',
      ],
    ];
    for (const [args, message] of cases) {
      const result = await runStepflow(args);
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({
        args,
        code: 2,
        stdout: '',
      });
      expect(result.stderr.split('\n')[0]).toBe(message);
    }
  });

  it("reports stepflow's own usage errors the same way", async () => {
    const result = await runStepflow(['run', '--flow', 'missing.yaml', '--input-json', '{}']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('stepflow: error: missing.yaml: cannot read flow: file not found\n');
  });
});
