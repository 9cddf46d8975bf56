import { ComponentError, ComponentUnavailableError } from '@stepflow/runtime';
import { describeError } from './describe-error.ts';
import type { McpConnection } from './mcp-connection.ts';

/** The SDK's codes for a closed connection and for a request that timed out. */
const CONNECTION_CLOSED = -32000;
const REQUEST_TIMEOUT = -32001;

/** What a failed tool call was about, for messages. */
export interface ToolCallFailure {
  readonly plugin: string;
  readonly describe: string;
  readonly tool: string;
  readonly step: string;
  readonly timeoutMs: number;
}

function isMcpError(error: unknown): error is Error & { code: number; data?: unknown } {
  return (
    error instanceof Error &&
    error.name === 'McpError' &&
    typeof (error as { code?: unknown }).code === 'number'
  );
}

/**
 * What a rejected `tools/call` becomes. A lost server (the child exited, the connection closed,
 * an HTTP server that cannot be reached) → `ComponentUnavailableError`, so the engine retries on
 * a restarted server; a call that saw no answer nor progress within `timeoutMs` → a
 * `ComponentError`; the server's JSON-RPC error → a `ComponentError` with its code, message and
 * data. Both `ComponentError`s are step failures that `onError` handles.
 */
export function classifyToolCallError(
  error: unknown,
  connection: McpConnection,
  failure: ToolCallFailure,
): Error {
  const message = describeError(error);
  const where = `MCP tool '${failure.tool}' (plugin '${failure.plugin}', step '${failure.step}')`;
  if (connection.closed || (isMcpError(error) && error.code === CONNECTION_CLOSED)) {
    return new ComponentUnavailableError(
      `MCP server '${failure.plugin}' (${failure.describe}) stopped while calling ${where}: ${message}`,
      { cause: error },
    );
  }
  if (!isMcpError(error)) {
    // Not an answer from the server: the request did not get through (HTTP unreachable, a
    // refused session).
    return new ComponentUnavailableError(
      `MCP server '${failure.plugin}' (${failure.describe}) could not be reached calling ${where}: ${message}`,
      { cause: error },
    );
  }
  if (error.code === REQUEST_TIMEOUT) {
    return new ComponentError(
      REQUEST_TIMEOUT,
      `${where} did not answer within ${failure.timeoutMs} ms (without progress)`,
      { tool: failure.tool },
      { cause: error },
    );
  }
  // The SDK prefixes the server's message with `MCP error <code>: ` (twice on the way here).
  const text = message.replace(/^(MCP error -?\d+: )+/, '');
  return new ComponentError(error.code, `${where} failed: ${text}`, error.data, {
    cause: error,
  });
}
