/** Process exit codes of the `stepflow` command (DECISIONS item 19). */
export const ExitCode = {
  /** The command did its job; for `run`, the flow succeeded or was skipped. */
  success: 0,
  /** The flow failed (`run`) or a test case failed (`test`). */
  failed: 1,
  /** Bad usage, a flow/config that does not load or validate, or bad input: nothing ran. */
  usage: 2,
  /** `run` with a durable store: the run waits for answers (`stepflow runs questions`). */
  paused: 3,
} as const;

/** One of the exit codes in {@link ExitCode}. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error the CLI reports as one clear line on stderr and turns into an exit code. The message
 * names the file, step or field at fault.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  /** The exit code to leave with. */
  readonly exitCode: ExitCode;

  constructor(message: string, exitCode: ExitCode = ExitCode.usage, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
  }
}
