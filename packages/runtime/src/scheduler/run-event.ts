import type { FlowResult } from '@stepflow/protocol';

/** A run began. The first event of every run. */
export interface RunStartedEvent {
  readonly type: 'runStarted';
  readonly runId: string;
  /** Clock time of the event (ms since the epoch, from the injected clock). */
  readonly at: number;
  /** Blob id of the flow. */
  readonly flowId: string;
  /** The flow input. */
  readonly input: unknown;
  /** The run that started this one (nested runs: `eval`, `map`, `iterate`, `flows/evaluate`). */
  readonly parentRunId?: string;
}

/** A step was dispatched to its component (one event per attempt). */
export interface StepStartedEvent {
  readonly type: 'stepStarted';
  readonly runId: string;
  readonly at: number;
  readonly stepId: string;
  /** 1-based attempt number. */
  readonly attempt: number;
  /** The post-routing component name. */
  readonly component: string;
  /** The resolved input sent to the component. */
  readonly input: unknown;
}

/** An attempt failed and the step will be tried again after `delayMs`. */
export interface StepRetryingEvent {
  readonly type: 'stepRetrying';
  readonly runId: string;
  readonly at: number;
  readonly stepId: string;
  /** The attempt that failed. */
  readonly attempt: number;
  /** Why it failed. */
  readonly error: { readonly code: number; readonly message: string; readonly data?: unknown };
  /** Delay before the next attempt (0 for transport retries). */
  readonly delayMs: number;
  /** `onError` for an `onError: retry` retry, `transport` for a crashed/unreachable component. */
  readonly reason: 'onError' | 'transport';
}

/**
 * A step has its final result (after `onError`). Steps skipped before dispatch get one too, with
 * `attempt: 0`. Replaying these events into a new run marks those steps done.
 */
export interface StepCompletedEvent {
  readonly type: 'stepCompleted';
  readonly runId: string;
  readonly at: number;
  readonly stepId: string;
  /** The number of attempts made (0 when the step was never dispatched). */
  readonly attempt: number;
  /** The step's recorded result. */
  readonly result: FlowResult;
}

/** The run finished with `result`. The last event of every run. */
export interface RunCompletedEvent {
  readonly type: 'runCompleted';
  readonly runId: string;
  readonly at: number;
  readonly result: FlowResult;
}

/** What happens in a run, as a sequence a journal can record and replay. */
export type RunEvent =
  RunStartedEvent | StepStartedEvent | StepRetryingEvent | StepCompletedEvent | RunCompletedEvent;
