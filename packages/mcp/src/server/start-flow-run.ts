import type { Flow, FlowResult } from '@stepflow/protocol';
import {
  InputValidationError,
  MAX_VALUE_DEPTH,
  serializeFlow,
  validateFlowInput,
} from '@stepflow/runtime';
import type { StateStore } from '@stepflow/state-store';
import type { McpRunControl } from './run-control.ts';

/** A run that was started. */
export interface StartedRun {
  readonly runId: string;
  readonly flowId: string;
  /** Settles when the run ended; `undefined` when the process shut down first. Never rejects. */
  readonly done: Promise<FlowResult | undefined>;
}

/** What starting a run needs. */
export interface RunStarter {
  readonly runs: McpRunControl;
  readonly store: StateStore;
  readonly newRunId: () => string;
}

/** Why a run was not started: the input is refused. The message names the fault. */
export class InputRefusedError extends Error {
  override readonly name = 'InputRefusedError';
}

/**
 * Checks `input` against the flow (depth, then `inputSchema`: throws `InputRefusedError`
 * naming every violation), records the run (under `runId`, a fresh one by default) with its
 * flow and starts it through `runs`, so it is the same run the HTTP API lists.
 */
export async function startFlowRun(
  starter: RunStarter,
  flow: Flow,
  input: unknown,
  runId: string = starter.newRunId(),
): Promise<StartedRun> {
  if (exceedsDepth(input, MAX_VALUE_DEPTH))
    throw new InputRefusedError(`The input is nested more than ${MAX_VALUE_DEPTH} levels deep`);
  try {
    validateFlowInput(flow, input);
  } catch (error) {
    if (InputValidationError.isInstance(error)) throw new InputRefusedError(error.message);
    throw error;
  }
  // Stored as the HTTP API stores flows, so the run's flow id is the flow's id everywhere.
  const flowId = await starter.store.put(serializeFlow(flow), 'flow');
  await starter.store.createRun({
    id: runId,
    flowId,
    ...(typeof flow.name === 'string' ? { flowName: flow.name } : {}),
    input,
  });
  const done = starter.runs.start({ runId, flow, input, fresh: true });
  return { runId, flowId, done };
}

function exceedsDepth(value: unknown, remaining: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (remaining === 0) return true;
  for (const child of Array.isArray(value) ? value : Object.values(value))
    if (exceedsDepth(child, remaining - 1)) return true;
  return false;
}
