import { stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { FlowValidationError, InputValidationError } from '@stepflow/runtime';
import type { FlowResult } from '@stepflow/protocol';
import { Command, Option } from 'commander';
import type { CliContext } from '../internal/cli-context.ts';
import { CliError, ExitCode } from '../internal/cli-error.ts';
import { describeFsError, formatOfPath } from '../internal/data-file.ts';
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

interface RunOptions {
  readonly flow: string;
  readonly config?: string;
  readonly input?: string;
  readonly inputJson?: string;
  readonly inputYaml?: string;
  readonly stdinFormat?: string;
  readonly output?: string;
  readonly validate: boolean;
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
    .addHelpText(
      'after',
      '\nExit codes: 0 success or skipped, 1 failed, 2 usage error, invalid flow/config/input (nothing ran).',
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

  const runtime = createCliRuntime(config, logger);
  const controller = new AbortController();
  let printed = false;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const unregister = onShutdownSignal({
    stop: (signal) => {
      logger.warn(`${signal}: cancelling the run`);
      controller.abort(new Error(`interrupted by ${signal}`));
      return finished;
    },
    force: (signal) => {
      // The run did not wind down in time: its result is that it was cancelled.
      if (!printed && options.output === undefined)
        io.writeOut(formatData(cancelled(signal), 'json'));
    },
  });
  const runAndPrint = async (): Promise<ExitCode> => {
    const progress = io.stderrIsTty ? createRunProgress(io.writeErr) : undefined;
    let result: FlowResult;
    try {
      const outcome = await runtime.run({
        flow: loaded.flow,
        input,
        signal: controller.signal,
        validateInput: options.validate,
        onEvent: progress?.onEvent,
      });
      logger.info('run finished', { run_id: outcome.runId, outcome: outcome.result.outcome });
      result = outcome.result;
    } catch (error) {
      if (InputValidationError.isInstance(error) || FlowValidationError.isInstance(error)) {
        throw new CliError(`${options.flow}: ${error.message}`, ExitCode.usage, { cause: error });
      }
      throw error;
    } finally {
      progress?.finish();
      await runtime.close();
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
