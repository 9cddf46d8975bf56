const MARKER = Symbol.for('@stepflow/transport-stdio/InvalidJsonLineError');

/**
 * A line of input was not JSON. It was dropped and the connection stays up. Reported to the
 * transport's `onerror` unless an `onNonJsonLine` callback takes such lines (e.g. to log stray
 * output of a child process).
 *
 * Local error: never serialised onto the wire.
 */
export class InvalidJsonLineError extends Error {
  override readonly name = 'InvalidJsonLineError';
  /** Stable, readable error code. */
  readonly code = 'invalid-json-line';
  /** The offending line (cut to 200 characters). */
  readonly line: string;
  private readonly [MARKER] = true;

  constructor(line: string, cause: unknown) {
    const shown = line.length > 200 ? `${line.slice(0, 200)}…` : line;
    super(`Received a line that is not JSON; dropped: ${shown}`, { cause });
    this.line = shown;
  }

  /** Whether `error` is an `InvalidJsonLineError`, also across duplicate copies of this package. */
  static isInstance(error: unknown): error is InvalidJsonLineError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}
