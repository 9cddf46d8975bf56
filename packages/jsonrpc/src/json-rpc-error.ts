import type { JsonRpcErrorObject } from './message.ts';

const MARKER = Symbol.for('@stepflow/jsonrpc/JsonRpcError');

/**
 * An error that crosses the wire: a numeric code, a message and optional JSON data.
 *
 * Throw it from a request handler to answer with exactly this code, message and data. A request
 * whose response is an error rejects with one. It round-trips through JSON unchanged
 * (`toJson()` / `JsonRpcError.fromJson()`); the stack never travels.
 */
export class JsonRpcError extends Error {
  override readonly name = 'JsonRpcError';
  /** The JSON-RPC error code (an integer). */
  readonly code: number;
  /** Structured details for the caller; must be JSON-serialisable. */
  readonly data: unknown;
  private readonly [MARKER] = true;

  constructor(code: number, message: string, data?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.data = data;
  }

  /** The error object of a JSON-RPC error response (`data` omitted when undefined). */
  toJson(): JsonRpcErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }

  /** Builds the error a request rejects with from the error object of a response. */
  static fromJson(error: JsonRpcErrorObject): JsonRpcError {
    return new JsonRpcError(error.code, error.message, error.data);
  }

  /** Whether `error` is a `JsonRpcError`, also across duplicate copies of this package. */
  static isInstance(error: unknown): error is JsonRpcError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}
