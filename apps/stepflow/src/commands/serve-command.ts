import { createMcpHttpHandler, createStepflowMcpServer } from '@stepflow/mcp';
import { createService, RunSupervisor, startServiceServer } from '@stepflow/service';
import { uiAssetsDirectory } from '@stepflow/ui';
import { Command } from 'commander';
import type { CliContext } from '../internal/cli-context.ts';
import { CliError } from '../internal/cli-error.ts';
import { openServingRuntime } from '../internal/open-serving-runtime.ts';
import { withCliTelemetry } from '../internal/cli-telemetry.ts';
import { loadConfigOrExit } from '../internal/load-inputs.ts';
import {
  drainRuntime,
  parseScaleOutFlags,
  SCALE_OUT_HELP,
  scaleOutOptions,
  type ScaleOutFlags,
} from '../internal/scale-out-options.ts';
import { answerFunctionOf, loadMcpFlowsOrExit } from '../internal/mcp-flows.ts';

interface ServeOptions extends ScaleOutFlags {
  readonly port: string;
  readonly host: string;
  readonly config?: string;
  readonly store?: string;
  readonly token?: string;
  readonly tokenName?: string;
  readonly corsOrigin: string[];
  readonly maxBodyBytes?: string;
  readonly flows?: string;
  readonly ui: boolean;
}

/** Reported by `GET /health` (kept equal to package.json's by the release). */
const VERSION = '0.1.0';

/** The store `serve` uses when none is given: durable, next to the working directory. */
const DEFAULT_STORE = 'sqlite:.stepflow/stepflow.db';

/** `stepflow serve`: the HTTP service that stores flows, runs them and reports on them. */
export function serveCommand(context: () => CliContext): Command {
  return new Command('serve')
    .description('Serve the Stepflow HTTP API: store flows, start runs and batches, stream events')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', '7837')
    .option(
      '--host <host>',
      'address to bind (anything but loopback requires a token)',
      '127.0.0.1',
    )
    .option(
      '-c, --config <file>',
      'stepflow config file (default: discovered in the current directory)',
    )
    .option(
      '--store <url>',
      `state store: memory, sqlite:<path> or postgres://… (default ${DEFAULT_STORE})`,
    )
    .option(
      '--token <token>',
      'bearer token every route but health requires (default $STEPFLOW_TOKEN)',
    )
    .option(
      '--token-name <name>',
      'who answers questions through the API, in the journal (default: token, or api without one)',
    )
    .option(
      '--cors-origin <origin>',
      'allow browser calls from this origin (repeatable)',
      collect,
      [],
    )
    .option('--max-body-bytes <n>', 'largest request body (default 32 MiB)')
    .option('--flows <dir>', 'serve every flow file under this directory as an MCP tool at /mcp')
    .option('--no-ui', 'serve the API alone, without the web UI at /')
    .option('--max-runs <n>', SCALE_OUT_HELP.maxRuns)
    .option('--lease-ttl <ms>', SCALE_OUT_HELP.leaseTtl)
    .option('--drain-timeout <ms>', SCALE_OUT_HELP.drainTimeout)
    .action(async (options: ServeOptions) => {
      const cli = context();
      // Spans and metrics of the runs are exported while serving and flushed after shutdown.
      await withCliTelemetry(cli, () => serve(options, cli), { handlesSignals: true });
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function parseCount(name: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > 2 ** 31)
    throw new CliError(`${name} ${text}: expected an integer of at least ${min}`);
  return value;
}

async function serve(options: ServeOptions, context: CliContext): Promise<void> {
  const { io, logger } = context;
  const port = parseCount('--port', options.port, 0);
  const maxBodyBytes =
    options.maxBodyBytes === undefined
      ? undefined
      : parseCount('--max-body-bytes', options.maxBodyBytes, 1);
  const scaleOut = parseScaleOutFlags(options);
  const token = options.token ?? (io.env.STEPFLOW_TOKEN || undefined);
  if (!isLoopback(options.host) && token === undefined)
    throw new CliError(
      `--host ${options.host}: binding off loopback requires --token or STEPFLOW_TOKEN`,
    );
  const flows = await loadMcpFlowsOrExit(options.flows, io.cwd);
  const config = await loadConfigOrExit({ configPath: options.config, cwd: io.cwd, env: io.env });
  for (const warning of config.warnings) logger.warn(warning, { config: config.path });
  const { store, runtime, fences } = await openServingRuntime(
    config,
    options.store,
    DEFAULT_STORE,
    {
      cwd: io.cwd,
      logger,
    },
  );
  // One supervisor for the HTTP API and MCP: a run started through either is the same run.
  const supervisor = new RunSupervisor(runtime, store);
  const answer = answerFunctionOf(runtime);
  const mcp = createMcpHttpHandler({
    createServer: () =>
      createStepflowMcpServer({
        runs: supervisor,
        store,
        ...(flows === undefined ? {} : { flows }),
        ...(answer === undefined ? {} : { answer }),
        name: 'stepflow',
        version: VERSION,
        logger,
      }),
  });
  const service = createService({
    runtime,
    store,
    supervisor,
    mounts: [{ path: '/mcp', fetch: mcp.fetch }],
    ...(token === undefined ? {} : { token }),
    ...(options.tokenName === undefined ? {} : { tokenName: options.tokenName }),
    // Off loopback the token guards the service; DNS rebinding only threatens loopback.
    ...(isLoopback(options.host) ? {} : { allowedHosts: 'any' as const }),
    corsOrigins: options.corsOrigin,
    ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
    version: VERSION,
    ...(options.ui ? { staticRoot: uiAssetsDirectory } : {}),
    ...(fences === undefined ? {} : { scaleOut: scaleOutOptions(fences, scaleOut, logger) }),
  });
  const resumed = await service.resumeRuns();
  const server = await startServiceServer(service, { host: options.host, port }).catch(
    (error: unknown) => {
      throw new CliError(
        `cannot listen on ${options.host}:${port}: ${error instanceof Error ? error.message : String(error)}`,
      );
    },
  );
  const claiming =
    service.claimer === undefined
      ? `resumed ${resumed} runs`
      : `runtime ${service.claimer.owner}, up to ${service.claimer.maxRuns} runs; claimed ${resumed}`;
  io.writeErr(
    `stepflow: serving on ${server.url} (store ${store.kind}; ${claiming})` +
      `${options.ui ? `; web UI at ${server.url}/` : ''}\n`,
  );
  await new Promise<void>((done) => {
    const stop = (signal: string): void => {
      logger.info(`${signal}: shutting down`);
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      done();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  // A shared store's runs in flight get time to end, then go to other runtimes; otherwise they
  // stay `running` in the store and resume on restart.
  await drainRuntime(service, scaleOut.drainTimeoutMs, logger, async () => {
    service.close();
    await mcp.close();
    await server.close();
    await runtime.close();
  });
  await store.close();
}
