import type { FlowResult } from '@stepflow/protocol';

// The shapes of the service's answers that the UI reads (see /api/v1/openapi.json).

/** A run as lists show it. */
export interface RunSummary {
  readonly runId: string;
  readonly flowId: string;
  readonly flowName: string | null;
  readonly status: string;
  readonly createdAt: string;
  readonly completedAt: string | null;
  readonly batchInputIndex?: number;
  /** The batch the run belongs to. */
  readonly batchId?: string;
  /** The run whose step started this one. */
  readonly parentRunId?: string;
}

/** A run with its input and result. */
export interface RunDetails extends RunSummary {
  readonly input: unknown;
  readonly result?: FlowResult;
}

/** A diagnostic of a flow. */
export interface Diagnostic {
  readonly level: string;
  readonly type: string;
  readonly message: string;
  readonly path: readonly (string | number)[];
  readonly stepId?: string;
}

/** A batch as `GET /batches` lists it. */
export interface BatchSummary {
  readonly batchId: string;
  readonly flowId: string;
  readonly flowName: string | null;
  readonly totalInputs: number;
  readonly status: 'running' | 'completed' | 'cancelled';
  readonly createdAt: string;
}

/** A batch with its counts. */
export interface BatchDetails {
  readonly batchId: string;
  readonly flowId: string;
  readonly flowName: string | null;
  readonly totalInputs: number;
  readonly createdAt: string;
  readonly status: 'running' | 'completed' | 'cancelled';
  readonly completedRuns: number;
  readonly runningRuns: number;
  readonly failedRuns: number;
  readonly cancelledRuns: number;
  readonly pausedRuns: number;
  readonly completedAt: string | null;
}

/** A component of a plugin. */
export interface ComponentInfo {
  readonly component: string;
  readonly plugin: string;
  readonly description?: string;
  readonly inputSchema?: unknown;
  readonly outputSchema?: unknown;
}

/** An open human-in-the-loop question. */
export interface Question {
  readonly runId: string;
  readonly stepId: string;
  readonly prompt: unknown;
  readonly schema: unknown;
  readonly createdAt: string;
  readonly expiresAt?: string | null;
}

/** The run statuses a filter offers. */
export const RUN_STATUSES = ['running', 'paused', 'completed', 'failed', 'cancelled'] as const;
