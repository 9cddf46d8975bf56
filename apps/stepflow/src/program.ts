import { Command, CommanderError, Help, Option } from 'commander';
import type { CliContext, CliIo } from './internal/cli-context.ts';
import { CliError, ExitCode } from './internal/cli-error.ts';
import { LOG_LEVELS, type LogFormat, type LogLevel } from './internal/log-level.ts';
import { COMMANDS, requestedCommand } from './internal/command-table.ts';

/** The version `stepflow --version` prints (kept equal to package.json's by the release). */
const VERSION = '0.1.0';

interface GlobalOptions {
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly otlpEndpoint?: string;
}

/**
 * Runs the `stepflow` command with `argv` (without the node and script entries) and resolves
 * the exit code. Never calls `process.exit`: output goes through `io`, so tests can drive it.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.success;
  const setExitCode = (code: ExitCode): void => {
    exitCode = code;
  };
  const program = new Command('stepflow')
    .description('Run, test, validate and visualize Stepflow flows')
    .version(VERSION, '-V, --version')
    .addOption(
      new Option('--log-level <level>', 'log level (logs go to stderr)')
        .choices(LOG_LEVELS)
        .env('STEPFLOW_LOG_LEVEL')
        .default('warn'),
    )
    .addOption(
      new Option('--log-format <format>', 'log line format')
        .choices(['text', 'json'])
        .default('text'),
    )
    .addOption(
      new Option(
        '--otlp-endpoint <url>',
        'export traces and metrics over OTLP/HTTP to this base URL (the OTEL_* variables work too)',
      ).env('STEPFLOW_OTLP_ENDPOINT'),
    );
  configureCommand(program, io);

  // Only the command asked for is loaded, with the logger (it uses the runtime's redaction); the
  // others are listed by name for help and for commander's "did you mean" on a typo.
  const name = requestedCommand(argv);
  const requested = COMMANDS.find((entry) => entry.name === name);
  const [createCommand, logging] =
    requested === undefined
      ? [undefined, undefined]
      : await Promise.all([requested.load(), import('./internal/cli-logger.ts')]);
  const context = (): CliContext => {
    if (logging === undefined) throw new Error('no command was loaded');
    const options = program.opts<GlobalOptions>();
    const logger = logging.createCliLogger({
      level: options.logLevel,
      format: options.logFormat,
      write: io.writeErr,
    });
    return {
      io,
      logger,
      showWarnings: LOG_LEVELS.indexOf(options.logLevel) <= LOG_LEVELS.indexOf('warn'),
      logFormat: options.logFormat,
      ...(options.otlpEndpoint === undefined ? {} : { otlpEndpoint: options.otlpEndpoint }),
    };
  };
  for (const entry of COMMANDS) {
    const command =
      entry === requested && createCommand !== undefined
        ? createCommand(context, setExitCode)
        : new Command(entry.name).description(entry.description);
    program.addCommand(configureCommand(command, io));
  }
  const terms = new Map(COMMANDS.map((entry) => [entry.name, entry.term]));
  program.configureHelp({
    subcommandTerm: (command) => terms.get(command.name()) ?? new Help().subcommandTerm(command),
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Asked-for help and version are normal exits; help shown because no command was given,
      // and everything else commander rejects, is a usage error.
      const normal = ['commander.helpDisplayed', 'commander.help', 'commander.version'];
      return normal.includes(error.code) && error.exitCode === 0
        ? ExitCode.success
        : ExitCode.usage;
    }
    if (error instanceof CliError) {
      io.writeErr(`stepflow: error: ${error.message}\n`);
      return error.exitCode;
    }
    // Not a usage problem: something failed while working (a plugin that would not start, …).
    // The message is enough for users; the stack is for `--log-level debug`.
    const debug = program.opts<GlobalOptions>().logLevel === 'debug';
    const detail =
      error instanceof Error
        ? debug
          ? (error.stack ?? error.message)
          : error.message
        : String(error);
    io.writeErr(`stepflow: error: ${detail}\n`);
    return ExitCode.failed;
  }
}

/**
 * Makes commander report through `io` instead of printing and exiting the process, its usage
 * errors in stepflow's own style (`stepflow: error: …`, exit code 2).
 */
function configureCommand(command: Command, io: CliIo): Command {
  // Subcommands (`runs list`, …) are added with `addCommand`, which inherits no settings.
  for (const subcommand of command.commands) configureCommand(subcommand, io);
  return command
    .exitOverride()
    .configureOutput({
      writeOut: io.writeOut,
      writeErr: io.writeErr,
      outputError: (text, write) => write(text.replace(/^error: /, 'stepflow: error: ')),
    })
    .showHelpAfterError('(run with --help for usage)');
}
