import type { FlowError, FlowResult, RunStatus, StepStatus } from '@stepflow/protocol';

export type { RunStatus, StepStatus };

/** What the events of a run say about one of its steps. */
export interface StepState {
  readonly stepId: string;
  /** `running` from its first `stepStarted` until its `stepCompleted`. */
  status: Exclude<StepStatus, 'blocked' | 'runnable'>;
  /** The highest attempt number dispatched (0 when the step was never dispatched). */
  attempts: number;
  /** `onError: retry` retries so far: a resumed step keeps its retry budget. */
  onErrorRetries: number;
  /** Retries after a crashed or unreachable component so far. */
  transportRetries: number;
  /** The post-routing component of the latest attempt. */
  component?: string;
  /** Clock time of the first attempt. */
  startedAt?: number;
  /** Clock time of the step's result. */
  completedAt?: number;
  /** The recorded result, once there is one: recorded exactly once, never re-executed. */
  result?: FlowResult;
  /** Why the latest attempt failed, when one did. */
  lastError?: FlowError;
  /** The open (or answered) question or timer of a pausing step (`ask_human`, `sleep`). */
  pause?: StepPause;
}

/** What a pausing step waits for, from its `stepPaused` and `stepAnswered` events. */
export interface StepPause {
  readonly kind: 'question' | 'timer';
  readonly pausedAt: number;
  readonly prompt?: unknown;
  readonly schema?: Record<string, unknown>;
  readonly expiresAt?: number;
  readonly wakeAt?: number;
  /** Whether the question was answered (`answer` itself may be `null`). */
  answered: boolean;
  answer?: unknown;
  answeredBy?: string;
  answeredAt?: number;
}

/** A run's state: the fold of its events (`reduceRunEvent`), the one source of truth. */
export interface RunState {
  readonly runId: string;
  readonly flowId: string;
  readonly input: unknown;
  readonly parentRunId?: string;
  readonly parentStepId?: string;
  status: RunStatus;
  readonly startedAt: number;
  /** Clock time of the latest resumption, when the run was resumed. */
  resumedAt?: number;
  completedAt?: number;
  /** Steps that have events, by id, in the order of their first event. */
  readonly steps: Map<string, StepState>;
  /** The run's result once it ended. */
  result?: FlowResult;
  /** Number of events folded in. */
  eventCount: number;
}
