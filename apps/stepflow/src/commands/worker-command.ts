import { createService } from '@stepflow/service';
import { Command } from 'commander';
import type { CliContext } from '../internal/cli-context.ts';
import { CliError, ExitCode } from '../internal/cli-error.ts';
import { withCliTelemetry } from '../internal/cli-telemetry.ts';
import { loadConfigOrExit } from '../internal/load-inputs.ts';
import { openServingRuntime } from '../internal/open-serving-runtime.ts';
import {
  drainRuntime,
  parseScaleOutFlags,
  SCALE_OUT_HELP,
  scaleOutOptions,
  type ScaleOutFlags,
} from '../internal/scale-out-options.ts';

interface WorkerOptions extends ScaleOutFlags {
  readonly store?: string;
  readonly config?: string;
}

/** `stepflow worker`: a runtime that executes the runs of a shared store and serves no API. */
export function workerCommand(context: () => CliContext): Command {
  return new Command('worker')
    .description('Execute the runs of a shared state store (no API): claim, run, hand back on stop')
    .option(
      '--store <url>',
      'the state store shared with other runtimes: postgres://… (default: the config’s stateStore)',
    )
    .option(
      '-c, --config <file>',
      'stepflow config file (default: discovered in the current directory)',
    )
    .option('--max-runs <n>', SCALE_OUT_HELP.maxRuns)
    .option('--lease-ttl <ms>', SCALE_OUT_HELP.leaseTtl)
    .option('--drain-timeout <ms>', SCALE_OUT_HELP.drainTimeout)
    .action(async (options: WorkerOptions) => {
      const cli = context();
      await withCliTelemetry(cli, () => work(options, cli), { handlesSignals: true });
    });
}

async function work(options: WorkerOptions, context: CliContext): Promise<void> {
  const { io, logger } = context;
  const scaleOut = parseScaleOutFlags(options);
  const config = await loadConfigOrExit({ configPath: options.config, cwd: io.cwd, env: io.env });
  for (const warning of config.warnings) logger.warn(warning, { config: config.path });
  // Any durable store can be shared by processes of one machine; `memory` has nobody to share.
  const { store, runtime, fences } = await openServingRuntime(config, options.store, 'memory', {
    cwd: io.cwd,
    logger,
    shared: (opened) => opened.kind !== 'memory',
  });
  if (fences === undefined) {
    await runtime.close();
    await store.close();
    throw new CliError(
      'stepflow worker needs a state store shared with other runtimes: --store postgres://… ' +
        '(or a stateStore in the config)',
      ExitCode.usage,
    );
  }
  // The service's routes are never served: it is the claimer, batches and supervisor in one.
  const service = createService({
    runtime,
    store,
    scaleOut: scaleOutOptions(fences, scaleOut, logger),
  });
  const stopped = waitForStopSignal(logger);
  try {
    const claimed = await service.resumeRuns();
    io.writeErr(
      `stepflow: worker ${service.claimer!.owner} on store ${store.kind}: ` +
        `up to ${service.claimer!.maxRuns} runs; ` +
        `claimed ${claimed}\n`,
    );
    await stopped;
  } finally {
    await drainRuntime(service, scaleOut.drainTimeoutMs, logger, async () => {
      service.close();
      await runtime.close();
    });
    await store.close();
  }
}

/** Resolves on the first SIGTERM or SIGINT. */
function waitForStopSignal(logger: CliContext['logger']): Promise<void> {
  return new Promise((done) => {
    const stop = (signal: string): void => {
      logger.info(`${signal}: draining`);
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      done();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
