const MARKER = Symbol.for('@stepflow/server-sdk/ComponentError');

/**
 * A deliberate component failure that crosses the wire as a JSON-RPC error.
 *
 * Throw it from a handler to choose the `code`, `message` and `data` the runtime sees (any other
 * thrown error becomes `-32003 Component execution failed: <message>`). The runtime turns it into
 * a failed step whose error is exactly `{ code, message, data }`, subject to the step's `onError`.
 *
 * @example
 * ```ts
 * throw new ComponentError(400, 'Customer 42 has no e-mail address', { customerId: 42 });
 * ```
 */
export class ComponentError extends Error {
  override readonly name = 'ComponentError';
  /** The numeric error code sent to the runtime. */
  readonly code: number;
  /** Structured details sent to the runtime (JSON); `undefined` sends none. */
  readonly data: unknown;
  private readonly [MARKER] = true;

  constructor(code: number, message: string, data?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    if (!Number.isInteger(code)) {
      throw new TypeError(`ComponentError code must be an integer, got ${String(code)}`);
    }
    this.code = code;
    this.data = data;
  }

  /** Whether `error` is a `ComponentError`, also when it comes from another copy of this package. */
  static isInstance(error: unknown): error is ComponentError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }

  /** The JSON-RPC error object this error is sent as. */
  toJSON(): { code: number; message: string; data?: unknown } {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}
