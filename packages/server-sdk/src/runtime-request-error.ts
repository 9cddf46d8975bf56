const MARKER = Symbol.for('@stepflow/server-sdk/RuntimeRequestError');

/**
 * Thrown by a context callback (`putBlob`, `getBlob`, `evaluateFlow`, …) when the runtime answers
 * with a JSON-RPC error or cannot be reached; names the method and carries the runtime's error.
 */
export class RuntimeRequestError extends Error {
  override readonly name = 'RuntimeRequestError';
  /** The callback method that failed, e.g. `blobs/get`. */
  readonly method: string;
  /** The JSON-RPC error code the runtime returned (`-32603` when the connection was lost). */
  readonly code: number;
  /** The error data the runtime returned, if any. */
  readonly data: unknown;
  private readonly [MARKER] = true;

  constructor(
    method: string,
    code: number,
    message: string,
    data?: unknown,
    options?: { cause?: unknown },
  ) {
    super(`${method} failed: ${message} (code ${code})`, options);
    this.method = method;
    this.code = code;
    this.data = data;
  }

  /** Whether `error` is a `RuntimeRequestError`, also when it comes from another copy of this package. */
  static isInstance(error: unknown): error is RuntimeRequestError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}
