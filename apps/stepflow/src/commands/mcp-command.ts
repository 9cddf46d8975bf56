import { createStepflowMcpServer, serveMcpStdio } from '@stepflow/mcp';
import { createService, RunSupervisor } from '@stepflow/service';
import { Command } from 'commander';
import type { CliContext } from '../internal/cli-context.ts';
import { openServingRuntime } from '../internal/open-serving-runtime.ts';
import { withCliTelemetry } from '../internal/cli-telemetry.ts';
import { loadConfigOrExit } from '../internal/load-inputs.ts';
import { answerFunctionOf, configSearchPath, loadMcpFlowsOrExit } from '../internal/mcp-flows.ts';

interface McpOptions {
  readonly flows?: string;
  readonly config?: string;
  readonly store?: string;
}

/** Reported in the MCP handshake (kept equal to package.json's by the release). */
const VERSION = '0.1.0';

/** `stepflow mcp`: flows and runs as an MCP server on stdio. */
export function mcpCommand(context: () => CliContext): Command {
  return new Command('mcp')
    .description('Serve flows as MCP tools and runs as MCP resources over stdio')
    .option('--flows <dir>', 'serve every flow file under this directory as a tool')
    .option(
      '-c, --config <file>',
      'stepflow config file (default: discovered in the --flows directory, then the current one)',
    )
    .option('--store <url>', 'state store: memory (the default), sqlite:<path> or postgres://…')
    .action(async (options: McpOptions) => {
      const cli = context();
      // Spans and metrics of the runs are exported while serving and flushed when stdin closes.
      await withCliTelemetry(cli, () => serveMcp(options, cli));
    });
}

async function serveMcp(options: McpOptions, context: CliContext): Promise<void> {
  const { io, logger } = context;
  const flows = await loadMcpFlowsOrExit(options.flows, io.cwd);
  const flowPath = configSearchPath(options.flows, io.cwd);
  const config = await loadConfigOrExit({
    configPath: options.config,
    ...(flowPath === undefined ? {} : { flowPath }),
    cwd: io.cwd,
    env: io.env,
  });
  for (const warning of config.warnings) logger.warn(warning, { config: config.path });
  const { store, runtime } = await openServingRuntime(config, options.store, 'memory', {
    // Runs started over stdio execute here, on their caller's behalf: never claimed from a queue.
    shared: () => false,
    cwd: io.cwd,
    logger,
  });
  const supervisor = new RunSupervisor(runtime, store);
  // The service object (never listening here) resumes what a previous process left running.
  const resumed = await createService({ runtime, store, supervisor }).resumeRuns();
  const answer = answerFunctionOf(runtime);
  const server = createStepflowMcpServer({
    runs: supervisor,
    store,
    ...(flows === undefined ? {} : { flows }),
    ...(answer === undefined ? {} : { answer }),
    name: 'stepflow',
    version: VERSION,
    logger,
  });
  const stop = (signal: string): void => {
    logger.info(`${signal}: shutting down`);
    void server.close();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  io.writeErr(
    `stepflow: MCP server on stdio (${flows?.tools.length ?? 0} flow tools; store ${store.kind}; resumed ${resumed} runs)\n`,
  );
  try {
    // stdout is the MCP channel: every log line of this process goes to stderr.
    await serveMcpStdio(server, { stdin: io.stdin, stdout: process.stdout });
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    // Runs still in flight stay `running` in a durable store and resume on the next start.
    supervisor.close();
    await runtime.close();
    await store.close();
  }
}
