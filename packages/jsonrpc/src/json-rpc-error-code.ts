/**
 * The error codes JSON-RPC 2.0 reserves, as the peer uses them.
 *
 * Applications define their own codes (outside -32768..-32000, or in the -32000..-32099
 * server-error range) next to these.
 */
export const JsonRpcErrorCode = {
  /** The message was not valid JSON. */
  parseError: -32700,
  /** The message was JSON but not a valid request envelope. */
  invalidRequest: -32600,
  /** No handler is registered for the method. */
  methodNotFound: -32601,
  /** The handler's params schema rejected the params; `data.issues` lists why. */
  invalidParams: -32602,
  /** The handler failed unexpectedly; details stay on the handling side. */
  internalError: -32603,
} as const;

/** One of the reserved JSON-RPC 2.0 error codes. */
export type JsonRpcErrorCode = (typeof JsonRpcErrorCode)[keyof typeof JsonRpcErrorCode];
