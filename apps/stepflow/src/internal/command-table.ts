import type { Command } from 'commander';
import type { CliContext } from './cli-context.ts';
import type { ExitCode } from './cli-error.ts';

/** Builds one command's definition, wired to the shared context and exit code. */
export type CommandFactory = (
  context: () => CliContext,
  setExitCode: (code: ExitCode) => void,
) => Command;

/**
 * A `stepflow` command as `stepflow --help` lists it. Its module (and what it imports: the
 * runtime, schemas, YAML, …) is loaded only when the command is the one asked for, so
 * `stepflow --help` and each command start without loading the others.
 */
export interface CommandEntry {
  readonly name: string;
  /** How `stepflow --help` names it, e.g. `test [options] [paths...]`. */
  readonly term: string;
  /** Its line in `stepflow --help`; equal to the command's own description. */
  readonly description: string;
  readonly load: () => Promise<CommandFactory>;
}

/** Every command, in the order `stepflow --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'run',
    term: 'run [options]',
    description: 'Run a flow once and write its FlowResult JSON to stdout',
    load: async () => (await import('../commands/run-command.ts')).runCommand,
  },
  {
    name: 'test',
    term: 'test [options] [paths...]',
    description: 'Run the test cases in flow files (directories are searched for *.yaml / *.yml)',
    load: async () => (await import('../commands/test-command.ts')).testCommand,
  },
  {
    name: 'runs',
    term: 'runs',
    description: 'List, inspect, resume and cancel the runs in a durable state store',
    load: async () => (await import('../commands/runs/runs-command.ts')).runsCommand,
  },
  {
    name: 'validate',
    term: 'validate [options]',
    description: 'Check a flow (and its config) without running it; diagnostics go to stderr',
    load: async () => (await import('../commands/validate-command.ts')).validateCommand,
  },
  {
    name: 'list-components',
    term: 'list-components [options]',
    description: 'List the components of every configured plugin and the routes that reach them',
    load: async () =>
      (await import('../commands/list-components-command.ts')).listComponentsCommand,
  },
  {
    name: 'visualize',
    term: 'visualize [options]',
    description: 'Draw the dependency graph of a flow as Mermaid or Graphviz DOT text',
    load: async () => (await import('../commands/visualize-command.ts')).visualizeCommand,
  },
  {
    name: 'serve',
    term: 'serve [options]',
    description: 'Serve the Stepflow HTTP API: store flows, start runs and batches, stream events',
    load: async () => (await import('../commands/serve-command.ts')).serveCommand,
  },
  {
    name: 'worker',
    term: 'worker [options]',
    description: 'Execute the runs of a shared state store (no API): claim, run, hand back on stop',
    load: async () => (await import('../commands/worker-command.ts')).workerCommand,
  },
  {
    name: 'mcp',
    term: 'mcp [options]',
    description: 'Serve flows as MCP tools and runs as MCP resources over stdio',
    load: async () => (await import('../commands/mcp-command.ts')).mcpCommand,
  },
  {
    name: 'submit',
    term: 'submit [options]',
    description: 'Run a flow on a stepflow service and write its FlowResult JSON to stdout',
    load: async () => (await import('../commands/submit-command.ts')).submitCommand,
  },
  {
    name: 'submit-batch',
    term: 'submit-batch [options]',
    description: 'Run a flow once per line of a JSONL file on a stepflow service; results as JSONL',
    load: async () => (await import('../commands/submit-batch-command.ts')).submitBatchCommand,
  },
];

/** Global options that take a value (`--log-level debug`): their value is not a command name. */
const VALUED_GLOBAL_OPTIONS = new Set(['--log-level', '--log-format', '--otlp-endpoint']);

/**
 * The command `argv` asks for: the first word after the global options, or the one after
 * `help` (`stepflow help run`). `undefined` when there is none (`stepflow --help`). The name
 * may be unknown; commander reports that.
 */
export function requestedCommand(argv: readonly string[]): string | undefined {
  let afterHelp = false;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--') return undefined;
    if (VALUED_GLOBAL_OPTIONS.has(arg)) {
      index++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    if (arg === 'help' && !afterHelp) {
      afterHelp = true;
      continue;
    }
    return arg;
  }
  return undefined;
}
