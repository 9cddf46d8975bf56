import type { Flow, FlowResult, RunEvent } from '@stepflow/protocol';

/** A run for `McpRunControl.start`: its record exists already, made by the MCP server. */
export interface McpStartRun {
  readonly runId: string;
  readonly flow: Flow;
  readonly input: unknown;
  /** The record was just made and its input checked: nothing to resume. */
  readonly fresh?: boolean;
}

/**
 * What the MCP server needs to execute runs. `RunSupervisor` from `@stepflow/service` is one:
 * share the service's, so a run started through MCP is the run the HTTP API shows and cancels.
 */
export interface McpRunControl {
  /**
   * Starts (or joins) the run. Resolves with its result once it ended; `undefined` when the
   * process shuts down first (the run stays resumable).
   */
  start(run: McpStartRun): Promise<FlowResult | undefined>;
  /** Aborts a run executing here; resolves with its result once it ended. */
  cancel(runId: string): Promise<FlowResult | undefined>;
  /** Whether the run executes in this process. */
  isActive(runId: string): boolean;
  /** Receives every event of every run executing here; returns the unsubscribe. */
  onEvent(listener: (event: RunEvent) => void): () => void;
}

/** Who answers a question, for the audit trail. */
export interface McpAnswerOptions {
  /** The answering party, e.g. `mcp:claude-desktop`. */
  readonly by: string;
}

/**
 * Answers a run's open human-in-the-loop question (the runtime's `answer`); rejects with a
 * message naming what is wrong (unknown run or step, no open question, an invalid answer).
 */
export type McpAnswerFunction = (
  runId: string,
  stepId: string,
  answer: unknown,
  options: McpAnswerOptions,
) => Promise<unknown>;
