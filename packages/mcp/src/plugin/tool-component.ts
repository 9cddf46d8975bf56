import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ComponentInfo, McpToolOutput } from '@stepflow/protocol';

/** What a step gets in `content` mode: MCP content items (text, image, resource, …). */
const CONTENT_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    properties: { type: { type: 'string' } },
    required: ['type'],
  },
};

/** The output schema of a tool's component: it describes what the step receives in `mode`. */
function outputSchemaOf(tool: Tool, mode: McpToolOutput): Record<string, unknown> {
  switch (mode) {
    case 'content':
      return CONTENT_SCHEMA;
    case 'structured':
      return (tool.outputSchema as Record<string, unknown> | undefined) ?? { type: 'object' };
    case 'text':
      return { type: 'string' };
  }
}

/**
 * The component an MCP tool becomes: `/<tool name>`, its description (or title), its input
 * schema, and the schema of the output the step receives in the tool's output mode (the tool's
 * own `outputSchema` in `structured` mode).
 */
export function componentOfTool(tool: Tool, mode: McpToolOutput): ComponentInfo {
  return {
    component: `/${tool.name}`,
    description: tool.description ?? tool.title ?? 'MCP tool',
    input_schema: tool.inputSchema,
    output_schema: outputSchemaOf(tool, mode),
  };
}
