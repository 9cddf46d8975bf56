const MARKER = Symbol.for('@stepflow/transport-stdio/ChildProcessExitedError');

/** What is known about a child process that ended. */
export interface ChildExitInfo {
  /** The command line, for the operator (`command arg1 arg2`). */
  readonly commandLine: string;
  readonly pid: number | undefined;
  /** The exit code, or `null` when a signal ended it. */
  readonly exitCode: number | null;
  /** The signal that ended it, or `null`. */
  readonly signal: NodeJS.Signals | null;
  /** The last lines the child wrote to stderr (oldest first). */
  readonly stderrTail: readonly string[];
  /** Why the transport killed the child, when it did (it stopped, it closed its stdout). */
  readonly killedBecause?: string;
}

/**
 * The child process of a stdio transport ended without being asked to: the transport closes with
 * this error, so pending requests reject with it as their cause (promptly, not by timeout).
 *
 * Local error: never serialised onto the wire.
 */
export class ChildProcessExitedError extends Error implements ChildExitInfo {
  override readonly name = 'ChildProcessExitedError';
  /** Stable, readable error code. */
  readonly code = 'child-process-exited';
  readonly commandLine: string;
  readonly pid: number | undefined;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderrTail: readonly string[];
  readonly killedBecause?: string;
  private readonly [MARKER] = true;

  constructor(info: ChildExitInfo) {
    const how =
      (info.signal !== null
        ? `was killed by signal ${info.signal}`
        : `exited with code ${String(info.exitCode)}`) +
      (info.killedBecause === undefined ? '' : ` because ${info.killedBecause}`);
    const tail =
      info.stderrTail.length > 0
        ? `; last stderr lines:\n${info.stderrTail.map((l) => `  ${l}`).join('\n')}`
        : ' (no stderr output)';
    super(`Child process "${info.commandLine}" (pid ${String(info.pid)}) ${how}${tail}`);
    this.commandLine = info.commandLine;
    this.pid = info.pid;
    this.exitCode = info.exitCode;
    this.signal = info.signal;
    this.stderrTail = info.stderrTail;
    if (info.killedBecause !== undefined) this.killedBecause = info.killedBecause;
  }

  /** Whether `error` is a `ChildProcessExitedError`, also across duplicate copies of this package. */
  static isInstance(error: unknown): error is ChildProcessExitedError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}
