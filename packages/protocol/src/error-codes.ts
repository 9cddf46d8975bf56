/**
 * JSON-RPC error codes used on the Stepflow wire.
 *
 * The standard JSON-RPC codes, plus the Python SDK's numbering for what a component server
 * returns (`componentNotFound`, `componentExecutionFailed`) and the Rust runtime's numbering for
 * what the runtime answers (`notFound` -32011, `invalidValue` -32012; the reference docs swap
 * these two).
 */
export const ErrorCodes = {
  /** Invalid JSON was received. */
  parseError: -32700,
  /** The message is not a valid JSON-RPC request. */
  invalidRequest: -32600,
  /** The method does not exist or is not handled. */
  methodNotFound: -32601,
  /** The params failed validation. */
  invalidParams: -32602,
  /** An unexpected error in the handler. */
  internalError: -32603,
  /** A generic server failure (e.g. `Failed to put blob`). */
  serverError: -32000,
  /** The component server has no such component. */
  componentNotFound: -32001,
  /** The component threw while executing. */
  componentExecutionFailed: -32003,
  /** A flow, step, blob or batch does not exist. */
  notFound: -32011,
  /** A field has an invalid value (e.g. a batch id that is not a UUID). */
  invalidValue: -32012,
} as const;

/** One of the numeric codes in {@link ErrorCodes}. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
