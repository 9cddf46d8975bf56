import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ComponentError } from '@stepflow/runtime';
import { ErrorCodes, type FlowResult, type McpToolOutput } from '@stepflow/protocol';

/** Longest tool error text kept as a step's error message. */
export const MAX_TOOL_ERROR_CHARS = 4000;

/** The text items of a result, in order. */
function textsOf(result: CallToolResult): string[] {
  const content = Array.isArray(result.content) ? result.content : [];
  return content.flatMap((item) =>
    item.type === 'text' && typeof item.text === 'string' ? [item.text] : [],
  );
}

function describeContent(result: CallToolResult): string {
  const content = Array.isArray(result.content) ? result.content : [];
  if (content.length === 0) return 'no content';
  return `${content.length} content item(s) of type ${[...new Set(content.map((item) => item.type))].join(', ')}`;
}

/**
 * What a tool call's result becomes for the step. `isError: true` is a failed step whose message
 * is the tool's text (so `onError` applies); otherwise the output is, per `mode`, the `content`
 * array (the whole result when it has none, as the reference), the `structuredContent`, or the
 * text of the single text item. A result that does not have what the mode needs fails the step
 * with a `ComponentError` naming the tool.
 */
export function toolResultToFlowResult(
  tool: string,
  result: CallToolResult,
  mode: McpToolOutput,
): FlowResult {
  if (result.isError === true) {
    const text = textsOf(result).join('\n').trim();
    const message =
      text === ''
        ? `MCP tool '${tool}' reported an error without a message`
        : text.length > MAX_TOOL_ERROR_CHARS
          ? `${text.slice(0, MAX_TOOL_ERROR_CHARS)}…`
          : text;
    return {
      outcome: 'failed',
      error: { code: ErrorCodes.componentExecutionFailed, message, data: { tool } },
    };
  }
  switch (mode) {
    case 'content':
      return { outcome: 'success', result: result.content ?? result };
    case 'structured':
      if (result.structuredContent === undefined) {
        throw new ComponentError(
          ErrorCodes.componentExecutionFailed,
          `MCP tool '${tool}' returned no structuredContent (output mode 'structured'); it returned ${describeContent(result)}`,
          { tool },
        );
      }
      return { outcome: 'success', result: result.structuredContent };
    case 'text': {
      const content = Array.isArray(result.content) ? result.content : [];
      const only = content.length === 1 ? content[0] : undefined;
      if (only?.type !== 'text' || typeof only.text !== 'string') {
        throw new ComponentError(
          ErrorCodes.componentExecutionFailed,
          `MCP tool '${tool}' did not return a single text item (output mode 'text'); it returned ${describeContent(result)}`,
          { tool },
        );
      }
      return { outcome: 'success', result: only.text };
    }
  }
}
