// Public API of @stepflow/mcp: every export is listed here by name.

// MCP servers as a plugin: their tools as flow components
export type { McpPluginFactoryOptions } from './plugin.ts';
export {
  createMcpPluginFactory,
  DEFAULT_MCP_INITIALIZE_TIMEOUT_MS,
  DEFAULT_TOOL_TIMEOUT_MS,
  MAX_MCP_MESSAGE_BYTES,
  MAX_STDERR_LINE_CHARS,
  MAX_TOOL_ERROR_CHARS,
  MAX_TOOL_PAGES,
  MAX_TOOLS,
} from './plugin.ts';

// Stepflow as an MCP server: flows and runs as tools and resources
export type { StepflowMcpServerOptions } from './server/create-stepflow-mcp-server.ts';
export {
  createStepflowMcpServer,
  RUN_RESOURCE_TEMPLATE,
} from './server/create-stepflow-mcp-server.ts';
export type { FlowCatalog, FlowTool } from './server/flow-catalog.ts';
export { createFlowCatalog, loadFlowCatalog, MAX_FLOW_TOOLS } from './server/flow-catalog.ts';
export { FlowCatalogError } from './server/flow-catalog-error.ts';
export type {
  McpAnswerFunction,
  McpAnswerOptions,
  McpRunControl,
  McpStartRun,
} from './server/run-control.ts';
export type {
  QuestionReport,
  RunReport,
  RunSummaryReport,
  StepReport,
} from './server/run-report.ts';
export { RUN_ID_META } from './server/tool-results.ts';
export type { McpStdioOptions } from './server/serve-mcp-stdio.ts';
export { DEFAULT_MCP_MAX_MESSAGE_BYTES, serveMcpStdio } from './server/serve-mcp-stdio.ts';
export type { McpHttpHandler, McpHttpHandlerOptions } from './server/mcp-http-handler.ts';
export { createMcpHttpHandler, DEFAULT_MAX_MCP_SESSIONS } from './server/mcp-http-handler.ts';
