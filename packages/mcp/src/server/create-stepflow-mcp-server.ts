import { randomUUID } from 'node:crypto';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '@stepflow/runtime';
import type { StateStore } from '@stepflow/state-store';
import { z } from 'zod';
import { createFlowCatalog, type FlowCatalog } from './flow-catalog.ts';
import { callFlowTool, type ToolCallExtra } from './flow-tool-call.ts';
import { toolInputShapeOf, toolOutputShapeOf } from './flow-tool-schemas.ts';
import { OPERATOR_TOOLS, type OperatorContext } from './operator-tools.ts';
import type { McpAnswerFunction, McpRunControl } from './run-control.ts';
import { runReport, runSummaryReport } from './run-report.ts';
import { errorResult } from './tool-results.ts';

/** How to build a Stepflow MCP server. */
export interface StepflowMcpServerOptions {
  /** Executes the runs (share the HTTP service's `RunSupervisor`). */
  readonly runs: McpRunControl;
  /** Where runs, their journals and flows are recorded (the runtime's state store). */
  readonly store: StateStore;
  /** The flows served as tools (`loadFlowCatalog`); none when absent. */
  readonly flows?: FlowCatalog;
  /** Answers human-in-the-loop questions for `workflow_resume`; the tool says so when absent. */
  readonly answer?: McpAnswerFunction;
  /** Run ids; `crypto.randomUUID` by default. */
  readonly newRunId?: () => string;
  /** The server's name and version in the MCP handshake. */
  readonly name?: string;
  readonly version?: string;
  /** Where unexpected failures of a tool are logged (never stdout). */
  readonly logger?: Logger;
}

/** The URI template of a run resource. */
export const RUN_RESOURCE_TEMPLATE = 'stepflow://runs/{runId}';

/** Runs listed as resources (newest first). */
const LISTED_RUNS = 100;

/**
 * An MCP server offering every flow of `flows` as a tool, the operator tools (`workflow_start`,
 * `workflow_status`, `workflow_resume`, `workflow_cancel`, `workflow_list`) and each run as the
 * resource `stepflow://runs/{runId}`. Connect it to one transport (stdio, or one streamable-HTTP
 * session); make one per connection.
 */
export function createStepflowMcpServer(options: StepflowMcpServerOptions): McpServer {
  const catalog = options.flows ?? createFlowCatalog([]);
  const server = new McpServer(
    { name: options.name ?? 'stepflow', version: options.version ?? '0.0.0' },
    {
      instructions:
        'Each flow tool runs a Stepflow flow and answers its result. The workflow_* tools start ' +
        'runs without waiting, report their status, answer their questions and cancel them.',
    },
  );
  const context: OperatorContext = {
    catalog,
    runs: options.runs,
    store: options.store,
    newRunId: options.newRunId ?? randomUUID,
    ...(options.answer === undefined ? {} : { answer: options.answer }),
    answeredBy: () => {
      const client = server.server.getClientVersion()?.name;
      return client === undefined ? 'mcp' : `mcp:${client}`;
    },
  };
  registerTools(server, context, options.logger);
  registerRunResources(server, options.store);
  return server;
}

/**
 * The tools are served through the SDK's low-level handlers: flow schemas are JSON Schema
 * (checked by the runtime's validator), which `McpServer.registerTool` cannot take.
 */
function registerTools(server: McpServer, context: OperatorContext, logger?: Logger): void {
  const tools: Tool[] = [
    ...context.catalog.tools.map((tool): Tool => {
      const output = toolOutputShapeOf(tool.flow);
      return {
        name: tool.name,
        ...(typeof tool.flow.name === 'string' ? { title: tool.flow.name } : {}),
        description: tool.description,
        inputSchema: toolInputShapeOf(tool.flow).schema,
        // A flow may do anything its components do: no hint that it only reads.
        annotations: { readOnlyHint: false, openWorldHint: true },
        ...(output.schema === undefined ? {} : { outputSchema: output.schema }),
      };
    }),
    ...OPERATOR_TOOLS.map((tool): Tool => ({
      name: tool.name,
      description: tool.description,
      annotations: tool.annotations,
      inputSchema: z.toJSONSchema(tool.input, { io: 'input' }) as Tool['inputSchema'],
    })),
  ];
  const operators = new Map(OPERATOR_TOOLS.map((tool) => [tool.name, tool]));
  server.server.registerCapabilities({ tools: { listChanged: false } });
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
  server.server.setRequestHandler(
    CallToolRequestSchema,
    async (request, extra: ToolCallExtra): Promise<CallToolResult> => {
      const { name, arguments: args = {} } = request.params;
      const flowTool = context.catalog.tools.find((tool) => tool.name === name);
      const operator = operators.get(name);
      if (flowTool === undefined && operator === undefined)
        throw new McpError(ErrorCode.InvalidParams, `Unknown tool '${name}'`);
      try {
        if (flowTool !== undefined) return await callFlowTool(context, flowTool, args, extra);
        const parsed = operator!.input.safeParse(args);
        if (!parsed.success)
          return errorResult(`${name}: invalid arguments: ${z.prettifyError(parsed.error)}`);
        return await operator!.call(context, parsed.data as never, extra);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        logger?.error(`MCP tool ${name} failed: ${message}`, { tool: name });
        return errorResult(`${name}: ${message}`);
      }
    },
  );
}

function registerRunResources(server: McpServer, store: StateStore): void {
  const template = new ResourceTemplate(RUN_RESOURCE_TEMPLATE, {
    list: async () => ({
      resources: (await store.listRuns({ limit: LISTED_RUNS, order: 'desc' })).map((run) => {
        const summary = runSummaryReport(run);
        return {
          uri: `stepflow://runs/${encodeURIComponent(run.id)}`,
          name: `run ${run.id}`,
          description: `${summary.flowName ?? summary.flowId}: ${summary.status}`,
          mimeType: 'application/json',
        };
      }),
    }),
  });
  server.registerResource(
    'run',
    template,
    {
      description: "A run's status, steps and result (what workflow_status answers)",
      mimeType: 'application/json',
    },
    async (uri, variables) => {
      const raw = variables.runId;
      const runId = decodeURIComponent(Array.isArray(raw) ? (raw[0] ?? '') : (raw ?? ''));
      const report = await runReport(store, runId);
      if (report === undefined)
        throw new McpError(ErrorCode.InvalidParams, `Unknown run '${runId}'`, { uri: uri.href });
      return {
        contents: [
          { uri: uri.href, mimeType: 'application/json', text: JSON.stringify(report, null, 2) },
        ],
      };
    },
  );
}
