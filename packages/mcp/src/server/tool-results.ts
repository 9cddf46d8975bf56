import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** The `_meta` key under which tool results name the run they are about. */
export const RUN_ID_META = 'stepflow.org/runId';

/** A failed tool call the client (or its model) can read and act on. */
export function errorResult(message: string, runId?: string): CallToolResult {
  return {
    isError: true,
    content: [{ type: 'text', text: message }],
    ...(runId === undefined ? {} : { _meta: { [RUN_ID_META]: runId } }),
  };
}

/** A successful call answering `value`: as `structuredContent` and as its JSON text. */
export function structuredResult(
  value: Record<string, unknown>,
  text: string = JSON.stringify(value, null, 2),
  runId?: string,
): CallToolResult {
  return {
    content: [{ type: 'text', text }],
    structuredContent: value,
    ...(runId === undefined ? {} : { _meta: { [RUN_ID_META]: runId } }),
  };
}
