import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type {
  CallToolResult,
  ServerNotification,
  ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { FlowError, FlowResult } from '@stepflow/protocol';
import { planFlow } from '@stepflow/runtime';
import type { FlowTool } from './flow-catalog.ts';
import { structuredContentOf, toolInputShapeOf, toolOutputShapeOf } from './flow-tool-schemas.ts';
import { InputRefusedError, startFlowRun, type RunStarter } from './start-flow-run.ts';
import { errorResult, RUN_ID_META, structuredResult } from './tool-results.ts';

/** The `extra` the SDK passes a request handler. */
export type ToolCallExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Runs a flow tool to its end: a `notifications/progress` per completed step when the request
 * carries a progress token, the run cancelled when the request is. A failed flow, or an input
 * its schema refuses, is an `isError` result naming the fault.
 */
export async function callFlowTool(
  starter: RunStarter,
  tool: FlowTool,
  args: Record<string, unknown>,
  extra: ToolCallExtra,
): Promise<CallToolResult> {
  const input = toolInputShapeOf(tool.flow).wrapped ? args.input : args;
  // Listening before the run starts: a quick step completes before `startFlowRun` returns.
  const runId = starter.newRunId();
  const progress = reportProgress(starter, tool, runId, extra);
  let started;
  try {
    started = await startFlowRun(starter, tool.flow, input, runId);
  } catch (error) {
    await progress.stop();
    if (error instanceof InputRefusedError) return errorResult(`${tool.name}: ${error.message}`);
    throw error;
  }
  const cancel = (): void => void starter.runs.cancel(runId);
  extra.signal.addEventListener('abort', cancel, { once: true });
  // Cancelled while the run was being recorded: the listener came too late.
  if (extra.signal.aborted) cancel();
  let result: FlowResult | undefined;
  try {
    result = await started.done;
  } finally {
    extra.signal.removeEventListener('abort', cancel);
    // Every progress notification goes out before the result.
    await progress.stop();
  }
  if (result === undefined)
    return errorResult(
      `${tool.name}: the server stopped before run ${runId} ended; it resumes on restart`,
      runId,
    );
  return toolResultOf(tool, runId, result);
}

/** The tool result for a flow's result. */
export function toolResultOf(tool: FlowTool, runId: string, result: FlowResult): CallToolResult {
  if (result.outcome === 'failed') {
    return errorResult(
      `Flow '${tool.name}' failed (run ${runId}): ${describeFlowError(result.error)}`,
      runId,
    );
  }
  const shape = toolOutputShapeOf(tool.flow);
  if (result.outcome === 'skipped') {
    const text = `Flow '${tool.name}' was skipped (run ${runId}): it has no result`;
    // A tool with an output schema must give structured content unless it reports an error.
    return shape.schema === undefined
      ? { content: [{ type: 'text', text }], _meta: { [RUN_ID_META]: runId } }
      : errorResult(text, runId);
  }
  const value = result.result;
  return structuredResult(
    structuredContentOf(shape, value),
    JSON.stringify(value, null, 2) ?? 'null',
    runId,
  );
}

/** A flow error as one line: its message, the failed component's own message, its code. */
export function describeFlowError(error: FlowError): string {
  const cause = (error.data as { cause?: { message?: unknown } } | null | undefined)?.cause;
  const detail = typeof cause?.message === 'string' ? `: ${cause.message}` : '';
  return `${error.message}${detail} [code ${error.code}]`;
}

interface ProgressReporter {
  /** Stops reporting; resolves once every notification sent so far went out. */
  stop(): Promise<void>;
}

function reportProgress(
  starter: RunStarter,
  tool: FlowTool,
  runId: string,
  extra: ToolCallExtra,
): ProgressReporter {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return { stop: async () => undefined };
  const total = planFlow(tool.flow).steps.length;
  let completed = 0;
  const sent: Promise<void>[] = [];
  const unsubscribe = starter.runs.onEvent((event) => {
    // Nested runs (map, eval, …) have their own run ids: only this run's steps count.
    if (event.type !== 'stepCompleted' || event.runId !== runId || extra.signal.aborted) return;
    completed++;
    const notification = extra.sendNotification({
      method: 'notifications/progress',
      params: {
        progressToken,
        progress: completed,
        total,
        message: `step '${event.stepId}': ${event.result.outcome}`,
      },
    });
    // A client that went away misses its progress; the run carries on.
    sent.push(notification.catch(() => undefined));
  });
  return {
    async stop() {
      unsubscribe();
      await Promise.all(sent);
    },
  };
}
