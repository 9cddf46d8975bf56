const MARKER = Symbol.for('@stepflow/server-sdk/FlowSkippedError');

/**
 * Thrown by `context.evaluateFlow` (and `evaluateBatch`) when the evaluated flow was skipped.
 *
 * Left uncaught it fails the component with `-32003`; catch it to treat a skipped sub-flow as a
 * value of your choosing.
 */
export class FlowSkippedError extends Error {
  override readonly name = 'FlowSkippedError';
  /** The reason the runtime gave, if any. */
  readonly reason: string | undefined;
  private readonly [MARKER] = true;

  constructor(reason?: string, options?: { cause?: unknown; flowId?: string }) {
    super(
      `Flow ${options?.flowId ?? ''}${options?.flowId ? ' ' : ''}was skipped${reason ? `: ${reason}` : ''}`,
      options,
    );
    this.reason = reason;
  }

  /** Whether `error` is a `FlowSkippedError`, also when it comes from another copy of this package. */
  static isInstance(error: unknown): error is FlowSkippedError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}
