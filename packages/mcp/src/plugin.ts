// Public API of @stepflow/mcp/plugin: MCP servers' tools as flow components, without the
// MCP-server half (whose SDK schemas would load with it). Re-exported by the package root.
export type { McpPluginFactoryOptions } from './plugin/mcp-plugin.ts';
export { createMcpPluginFactory } from './plugin/mcp-plugin.ts';
export {
  DEFAULT_MCP_INITIALIZE_TIMEOUT_MS,
  DEFAULT_TOOL_TIMEOUT_MS,
} from './plugin/mcp-plugin-settings.ts';
export { MAX_MCP_MESSAGE_BYTES, MAX_TOOL_PAGES, MAX_TOOLS } from './plugin/mcp-connection.ts';
export { MAX_STDERR_LINE_CHARS } from './plugin/stderr-drain.ts';
export { MAX_TOOL_ERROR_CHARS } from './plugin/tool-result.ts';
