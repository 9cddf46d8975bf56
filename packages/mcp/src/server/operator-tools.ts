import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { Flow } from '@stepflow/protocol';
import { isTerminalRunStatus, RunStatusSchema } from '@stepflow/protocol';
import { z } from 'zod';
import type { FlowCatalog } from './flow-catalog.ts';
import type { ToolCallExtra } from './flow-tool-call.ts';
import type { McpAnswerFunction } from './run-control.ts';
import { runReport, runSummaryReport } from './run-report.ts';
import { InputRefusedError, startFlowRun, type RunStarter } from './start-flow-run.ts';
import { errorResult, structuredResult } from './tool-results.ts';

/** What the operator tools work with. */
export interface OperatorContext extends RunStarter {
  readonly catalog: FlowCatalog;
  readonly answer?: McpAnswerFunction;
  /** Who answers through this connection, e.g. `mcp:claude-desktop` (the client's name). */
  readonly answeredBy: () => string;
}

/** A tool that operates on runs: its argument schema (zod) and handler. */
export interface OperatorTool {
  readonly name: string;
  readonly description: string;
  /** Hints for clients: whether the tool only reads, or ends something. */
  readonly annotations: ToolAnnotations;
  readonly input: z.ZodObject;
  readonly call: (
    context: OperatorContext,
    args: never,
    extra: ToolCallExtra,
  ) => Promise<CallToolResult>;
}

const RunIdArgs = z.strictObject({ runId: z.string().min(1).max(256).describe('The run id') });

/** Largest page of `workflow_list`. */
const MAX_LIST = 1000;

function operatorTool<Input extends z.ZodObject>(tool: {
  name: string;
  description: string;
  annotations: ToolAnnotations;
  input: Input;
  call: (
    context: OperatorContext,
    args: z.output<Input>,
    extra: ToolCallExtra,
  ) => Promise<CallToolResult>;
}): OperatorTool {
  return tool;
}

/** `workflow_start`, `workflow_status`, `workflow_resume`, `workflow_cancel`, `workflow_list`. */
export const OPERATOR_TOOLS: readonly OperatorTool[] = [
  operatorTool({
    name: 'workflow_start',
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    description:
      'Start a run of a flow (by tool name, flow name or stored flow id) and answer its run id at ' +
      'once, without waiting for it; follow it with workflow_status.',
    input: z.strictObject({
      flow: z.string().min(1).max(256).describe('A flow tool name, flow name or flow id'),
      input: z.unknown().optional().describe('The flow input (default null)'),
    }),
    async call(context, args) {
      const flow = await findFlow(context, args.flow);
      if (flow === undefined) return errorResult(unknownFlow(context.catalog, args.flow));
      try {
        const { runId, flowId } = await startFlowRun(context, flow, args.input ?? null);
        return structuredResult({ runId, flowId, status: 'running' }, undefined, runId);
      } catch (error) {
        if (error instanceof InputRefusedError) return errorResult(`input: ${error.message}`);
        throw error;
      }
    },
  }),
  operatorTool({
    name: 'workflow_status',
    annotations: { readOnlyHint: true },
    description:
      "A run's status, every step's status (and error), and the run's result once it ended.",
    input: RunIdArgs,
    async call(context, { runId }) {
      const report = await runReport(context.store, runId);
      if (report === undefined) return errorResult(`Unknown run '${runId}'`);
      return structuredResult({ ...report }, undefined, runId);
    },
  }),
  operatorTool({
    name: 'workflow_resume',
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    description:
      'Answer the open question a step of a run asks a human; the run resumes with the answer.',
    input: RunIdArgs.extend({
      stepId: z.string().min(1).max(256).describe('The step asking'),
      answer: z.unknown().describe("The answer, matching the question's schema"),
    }),
    async call(context, { runId, stepId, answer }) {
      if (context.answer === undefined)
        return errorResult('Human answers are not available on this server');
      try {
        const answered = await context.answer(runId, stepId, answer, { by: context.answeredBy() });
        return structuredResult({ runId, stepId, answered: answered ?? true }, undefined, runId);
      } catch (error) {
        return errorResult(error instanceof Error ? error.message : String(error), runId);
      }
    },
  }),
  operatorTool({
    name: 'workflow_cancel',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
    description:
      "Cancel a run: its in-flight steps are aborted and no step starts; answers the run's status.",
    input: RunIdArgs,
    async call(context, { runId }) {
      const run = await context.store.getRun(runId);
      if (run === undefined) return errorResult(`Unknown run '${runId}'`);
      if (isTerminalRunStatus(run.status))
        return errorResult(`Run ${runId} cannot be cancelled: it is ${run.status}`, runId);
      if (context.runs.isActive(runId)) await context.runs.cancel(runId);
      else await context.store.updateRunStatus(runId, 'cancelled', { expectedStatus: run.status });
      const report = await runReport(context.store, runId);
      return structuredResult({ ...report }, undefined, runId);
    },
  }),
  operatorTool({
    name: 'workflow_list',
    annotations: { readOnlyHint: true },
    description: 'List runs, newest first, optionally of one status or flow name.',
    input: z.strictObject({
      status: RunStatusSchema.optional(),
      flowName: z.string().max(256).optional(),
      limit: z.int().min(1).max(MAX_LIST).optional().describe('At most this many (default 50)'),
      offset: z.int().min(0).optional(),
    }),
    async call(context, args) {
      const runs = await context.store.listRuns({
        ...(args.status === undefined ? {} : { status: args.status }),
        ...(args.flowName === undefined ? {} : { flowName: args.flowName }),
        limit: args.limit ?? 50,
        offset: args.offset ?? 0,
        order: 'desc',
      });
      return structuredResult({ runs: runs.map(runSummaryReport) });
    },
  }),
];

/** A flow of the catalog (tool name, flow name, id), else a flow stored under that id. */
async function findFlow(context: OperatorContext, name: string): Promise<Flow | undefined> {
  const tool = context.catalog.find(name);
  if (tool !== undefined) return tool.flow;
  if (!/^[0-9a-f]{64}$/.test(name)) return undefined;
  const blob = await context.store.get(name);
  if (blob?.blobType !== 'flow') return undefined;
  return blob.data as Flow;
}

function unknownFlow(catalog: FlowCatalog, name: string): string {
  const names = catalog.tools.map((tool) => tool.name);
  return `Unknown flow '${name}': expected ${
    names.length === 0 ? 'a stored flow id' : `one of ${names.join(', ')} or a stored flow id`
  }`;
}
