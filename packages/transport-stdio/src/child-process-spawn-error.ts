const MARKER = Symbol.for('@stepflow/transport-stdio/ChildProcessSpawnError');

/**
 * The child process could not be started (command not found, not executable, bad `cwd`, …).
 * `start()` rejects with it; `cause` is the system error.
 *
 * Local error: never serialised onto the wire.
 */
export class ChildProcessSpawnError extends Error {
  override readonly name = 'ChildProcessSpawnError';
  /** Stable, readable error code. */
  readonly code = 'child-process-spawn';
  /** The command line that failed to start. */
  readonly commandLine: string;
  private readonly [MARKER] = true;

  constructor(commandLine: string, cwd: string | undefined, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `Could not start child process "${commandLine}"${cwd === undefined ? '' : ` in ${cwd}`}: ${reason}`,
      { cause },
    );
    this.commandLine = commandLine;
  }

  /** Whether `error` is a `ChildProcessSpawnError`, also across duplicate copies of this package. */
  static isInstance(error: unknown): error is ChildProcessSpawnError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}
