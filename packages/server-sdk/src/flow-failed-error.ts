const MARKER = Symbol.for('@stepflow/server-sdk/FlowFailedError');

/**
 * Thrown by `context.evaluateFlow` (and `evaluateBatch`) when the evaluated flow failed; carries
 * the flow's error `{ code, message, data }` unchanged.
 *
 * Left uncaught it fails the component with `-32003`; rethrow it as a `ComponentError` to pass the
 * sub-flow's own code on instead.
 */
export class FlowFailedError extends Error {
  override readonly name = 'FlowFailedError';
  /** The flow error's code. */
  readonly code: number;
  /** The flow error's data, if any. */
  readonly data: unknown;
  private readonly [MARKER] = true;

  constructor(code: number, message: string, data?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.data = data;
  }

  /** Whether `error` is a `FlowFailedError`, also when it comes from another copy of this package. */
  static isInstance(error: unknown): error is FlowFailedError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}
