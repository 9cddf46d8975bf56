import { randomUUID } from 'node:crypto';
import { stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  FlowValidationError,
  InputValidationError,
  RunConflictError,
  type LoadedConfig,
  type LoadedFlow,
  type OpenQuestion,
  type RunEvent,
} from '@stepflow/runtime';
import { StateStoreError } from '@stepflow/state-store';
import type { FlowResult } from '@stepflow/protocol';
import { Command, Option } from 'commander';
import type { CliContext } from '../internal/cli-context.ts';
import { CliError, ExitCode } from '../internal/cli-error.ts';
import { describeFsError, formatOfPath, type DataFormat } from '../internal/data-file.ts';
import { claimDurableRun, resumeHint, type ClaimedRun } from '../internal/durable-run.ts';
import type { CliStateStore } from '../internal/open-cli-state-store.ts';
import { printNotice } from '../internal/print-notice.ts';
import { formatData } from '../internal/json-text.ts';
import { createCliRuntime } from '../internal/create-cli-runtime.ts';
import { withCliTelemetry } from '../internal/cli-telemetry.ts';
import { onShutdownSignal } from '../internal/shutdown-on-signals.ts';
import {
  formatDiagnostic,
  formatDiagnostics,
  hasBlockingDiagnostics,
} from '../internal/format-diagnostics.ts';
import { diagnoseFlow, loadConfigOrExit, loadFlowOrExit } from '../internal/load-inputs.ts';
import { readInput } from '../internal/read-input.ts';
import { createRunProgress } from '../internal/run-progress.ts';
import { localUserName } from '../internal/local-user.ts';
import { openQuestionsText } from '../internal/open-questions-text.ts';
import { createTerminalAsker, type TerminalAsker } from '../internal/terminal-answers.ts';

/** Why `ask_human` cannot wait in a run nobody can answer. */
const NO_ONE_TO_ASK =
  'nobody can answer here: run the flow with a durable store (--store sqlite:<file>, then stepflow runs answer) or submit it to stepflow serve, or run it on a terminal';

interface RunOptions {
  readonly flow: string;
  readonly config?: string;
  readonly input?: string;
  readonly inputJson?: string;
  readonly inputYaml?: string;
  readonly stdinFormat?: string;
  readonly output?: string;
  readonly validate: boolean;
  readonly store?: string;
  readonly runId?: string;
}

/** Advice about a flow's documentation: `validate` gives it, `run` need not repeat it. */
const VALIDATE_ONLY_WARNINGS: ReadonlySet<string> = new Set(['missingWorkflowDescription']);

/** The exit code for a flow outcome: 0 for success or skipped, 1 for failed. */
export function exitCodeOf(result: FlowResult): ExitCode {
  return result.outcome === 'failed' ? ExitCode.failed : ExitCode.success;
}

/** `stepflow run`: runs a flow once and writes its FlowResult. */
export function runCommand(
  context: () => CliContext,
  setExitCode: (code: ExitCode) => void,
): Command {
  return new Command('run')
    .description('Run a flow once and write its FlowResult JSON to stdout')
    .requiredOption('-f, --flow <file>', 'flow file (.yaml, .yml or .json)')
    .option(
      '-c, --config <file>',
      'stepflow config file (default: discovered next to the flow, then in the current directory)',
    )
    .option('-i, --input <file>', 'read the input from a .json, .yaml or .yml file')
    .option('--input-json <json>', 'the input as a JSON string')
    .option('--input-yaml <yaml>', 'the input as a YAML string')
    .addOption(
      new Option(
        '--stdin-format <format>',
        'format of the input read from stdin when no other source is given',
      )
        .choices(['json', 'yaml'])
        .default('json'),
    )
    .option(
      '-o, --output <file>',
      'write the result to this file instead of stdout (.json or .yaml by extension)',
    )
    .option('--no-validate', "do not validate the input against the flow's inputSchema")
    .option(
      '--store <url>',
      'state store: memory (default), sqlite:<file>[?mode=rwc], sqlite::memory: or postgres://… (overrides the config stateStore)',
    )
    .option(
      '--run-id <id>',
      'run id: with a durable store, a finished run prints its recorded result and an unfinished one resumes',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 success or skipped, 1 failed, 2 usage error, invalid flow/config/input (nothing ran), 3 paused: with a durable store, the run waits for answers (stepflow runs questions).',
    )
    .action(async (options: RunOptions) => {
      const ctx = context();
      setExitCode(await withCliTelemetry(ctx, () => run(options, ctx)));
    });
}

async function run(options: RunOptions, context: CliContext): Promise<ExitCode> {
  const { io, logger } = context;
  const outputFormat = options.output === undefined ? 'json' : formatOfPath(options.output);
  if (outputFormat === undefined) {
    throw new CliError(
      `--output ${options.output}: unrecognised extension (use .json, .yaml or .yml)`,
    );
  }
  if (options.output !== undefined) await assertWritableDirectory(options.output);
  const loaded = await loadFlowOrExit(options.flow);
  const config = await loadConfigOrExit({
    configPath: options.config,
    flowPath: options.flow,
    cwd: io.cwd,
    env: io.env,
  });
  for (const warning of config.warnings) logger.warn(warning, { config: config.path });
  const diagnostics = diagnoseFlow(loaded, config);
  if (hasBlockingDiagnostics(diagnostics)) {
    // Only what blocks the run: warnings would bury the one thing to fix (see `validate`).
    const blocking = diagnostics.filter((diagnostic) => diagnostic.level !== 'warning');
    io.writeErr(formatDiagnostics(blocking, options.flow));
    throw new CliError(`${options.flow}: the flow is invalid; nothing was run`);
  }
  if (context.showWarnings) {
    for (const diagnostic of diagnostics) {
      if (VALIDATE_ONLY_WARNINGS.has(diagnostic.type)) continue;
      io.writeErr(`${formatDiagnostic(diagnostic, options.flow)}\n`);
    }
  }
  const fromStdin = [options.input, options.inputJson, options.inputYaml].every(
    (v) => v === undefined,
  );
  if (fromStdin && io.stdinIsTty) {
    io.writeErr(
      `reading the input from stdin as ${options.stdinFormat ?? 'json'} (end with Ctrl-D)\n`,
    );
  }
  const input = await readInput(options, io.stdin);

  // Without a store named, a run keeps nothing: none is opened (nor its code loaded).
  const opened =
    options.store === undefined && config.config.stateStore === undefined
      ? undefined
      : await (
          await import('../internal/open-cli-state-store.ts')
        ).openCliStateStore(options.store, config, io.cwd);
  try {
    return await execute({
      options,
      context,
      loaded,
      config,
      input,
      opened,
      outputFormat,
      // Questions are asked on the terminal only when stdin is one and the input came from elsewhere.
      interactive: io.stdinIsTty && !fromStdin,
    });
  } finally {
    await opened?.store.close();
  }
}

interface Execution {
  readonly options: RunOptions;
  readonly context: CliContext;
  readonly loaded: LoadedFlow;
  readonly config: LoadedConfig;
  readonly input: unknown;
  /** The store the command opened, if one was named. */
  readonly opened: CliStateStore | undefined;
  readonly outputFormat: DataFormat;
  readonly interactive: boolean;
}

/** Runs the flow (durably when the store is) and writes its result. */
async function execute(execution: Execution): Promise<ExitCode> {
  const { options, context, loaded, config, input, opened, outputFormat } = execution;
  const { io, logger } = context;
  // Runs are journaled only in a store that outlives the process.
  const durableStore = opened?.durable === true ? opened : undefined;
  const durable = durableStore !== undefined;
  const storeName = opened?.name ?? 'memory';
  const runId = options.runId ?? (durable ? randomUUID() : undefined);
  // Built before the run is claimed: a config the runtime refuses leaves no record behind.
  const runtime = await createCliRuntime(
    config,
    logger,
    durableStore?.store,
    durable || execution.interactive ? {} : { refuseQuestions: NO_ONE_TO_ASK },
  );
  let claimed: ClaimedRun | undefined;
  try {
    claimed =
      durableStore !== undefined && runId !== undefined
        ? await claimDurableRun(durableStore.store, { runId, flow: loaded.flow, input })
        : undefined;
  } catch (error) {
    await runtime.close();
    throw error;
  }
  if (durable && runId !== undefined) {
    const resumed = claimed?.existing !== undefined;
    printNotice(context, `run ${runId}${resumed ? ` (${claimed?.existing?.status})` : ''}`, {
      run_id: runId,
      store: storeName,
    });
  }

  const controller = new AbortController();
  let printed = false;
  let suspendedBy: string | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const unregister = onShutdownSignal({
    stop: (signal) => {
      if (durable) {
        // A durable run is left unfinished (resumable), not cancelled: closing the runtime
        // journals nothing more for it.
        suspendedBy = signal;
        logger.warn(`${signal}: stopping; the run stays resumable`);
        void runtime.close();
        return finished;
      }
      logger.warn(`${signal}: cancelling the run`);
      controller.abort(new Error(`interrupted by ${signal}`));
      return finished;
    },
    force: (signal) => {
      if (durable && runId !== undefined) {
        io.writeErr(`stepflow: ${resumeHint(runId)}\n`);
        return;
      }
      // The run did not wind down in time: its result is that it was cancelled.
      if (!printed && options.output === undefined)
        io.writeOut(formatData(cancelled(signal), 'json'));
    },
  });
  /** With a durable store: the questions the run stopped at (it stays paused in the store). */
  let pausedAt: readonly OpenQuestion[] | undefined;
  const asker: TerminalAsker | undefined =
    !durable && execution.interactive
      ? createTerminalAsker({
          runtime,
          input: io.stdin,
          write: io.writeErr,
          by: localUserName(io.env),
          onClosed: () => controller.abort(new Error('the terminal closed before an answer')),
        })
      : undefined;
  const runAndPrint = async (): Promise<ExitCode> => {
    const progress = io.stderrIsTty ? createRunProgress(io.writeErr) : undefined;
    const listeners = [progress?.onEvent, asker?.onEvent].filter(
      (listener): listener is (event: RunEvent) => void => listener !== undefined,
    );
    let result: FlowResult;
    try {
      const outcome = await runtime.run({
        flow: loaded.flow,
        input,
        ...(runId === undefined ? {} : { runId }),
        signal: controller.signal,
        validateInput: options.validate,
        onEvent: (event) => {
          for (const listener of listeners) listener(event);
        },
        ...(durable
          ? {
              onPaused: (questions: readonly OpenQuestion[]) => {
                if (questions.length === 0 || pausedAt !== undefined) return;
                // Left for later: closing the runtime journals nothing more for the run.
                pausedAt = questions;
                void runtime.close();
              },
            }
          : {}),
      });
      if (pausedAt !== undefined && runId !== undefined) {
        io.writeErr(openQuestionsText(pausedAt, ` --store ${storeName}`));
        io.writeOut(formatData({ runId, status: 'paused', questions: pausedAt }, outputFormat));
        printNotice(context, `run ${runId} is paused: it waits for answers`, { run_id: runId });
        return ExitCode.paused;
      }
      if (suspendedBy !== undefined && runId !== undefined) {
        // Closing the runtime ends the run in this process only: the store still has it running.
        printNotice(context, resumeHint(runId), { run_id: runId, signal: suspendedBy });
        return ExitCode.failed;
      }
      logger.info('run finished', { run_id: outcome.runId, outcome: outcome.result.outcome });
      result = outcome.result;
    } catch (error) {
      if (suspendedBy !== undefined && runId !== undefined) {
        printNotice(context, resumeHint(runId), { run_id: runId, signal: suspendedBy });
        return ExitCode.failed;
      }
      if (InputValidationError.isInstance(error) || FlowValidationError.isInstance(error)) {
        if (runId !== undefined && claimed?.existing === undefined && durableStore) {
          await abandonRun(durableStore, runId, error.message);
        }
        throw new CliError(`${options.flow}: ${error.message}`, ExitCode.usage, { cause: error });
      }
      if (RunConflictError.isInstance(error)) {
        throw new CliError(`${error.message} (store ${storeName})`, ExitCode.usage, {
          cause: error,
        });
      }
      const recorded =
        runId !== undefined && StateStoreError.isInstance(error, 'sequence-conflict')
          ? await durableStore?.store.getRun(runId)
          : undefined;
      if (recorded?.result === undefined) throw error;
      // Someone else recorded the run's end (e.g. `stepflow runs cancel`): that is its result.
      logger.warn(`run ${recorded.id} was ended by another process (${recorded.status})`);
      result = recorded.result;
    } finally {
      progress?.finish();
      asker?.close();
      await runtime.close();
      await claimed?.lease?.release();
    }

    const text = formatData(result, outputFormat);
    if (options.output === undefined) {
      printed = true;
      io.writeOut(text);
    } else {
      try {
        await writeFile(options.output, text);
      } catch (error) {
        throw new CliError(
          `--output ${options.output}: cannot write: ${describeFsError(error)}`,
          ExitCode.failed,
          {
            cause: error,
          },
        );
      }
    }
    return exitCodeOf(result);
  };
  try {
    return await runAndPrint();
  } finally {
    printed = true;
    unregister();
    finish();
  }
}

/** Marks a run recorded up front but refused before it started, so it is not resumed later. */
async function abandonRun(opened: CliStateStore, runId: string, message: string): Promise<void> {
  await opened.store
    .updateRunStatus(runId, 'failed', {
      result: { outcome: 'failed', error: { code: 400, message } },
      expectedStatus: 'running',
    })
    .catch(() => undefined);
}

/** The result printed for a run a signal ended before it could report its own. */
function cancelled(signal: string): FlowResult {
  return {
    outcome: 'failed',
    error: { code: 410, message: 'Run cancelled', data: { reason: `interrupted by ${signal}` } },
  };
}

/** Fails before anything runs when `--output` points into a directory that does not exist. */
async function assertWritableDirectory(file: string): Promise<void> {
  const directory = dirname(resolve(file));
  try {
    if (!(await stat(directory)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new CliError(`--output ${file}: directory ${directory} does not exist`);
  }
}
