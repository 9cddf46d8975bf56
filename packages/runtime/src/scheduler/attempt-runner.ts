import type { FlowResult } from '@stepflow/protocol';
import type { Clock } from '../clock.ts';
import type { StepDispatch } from './execute-run.ts';
import type { StepPlan } from './flow-plan.ts';
import { StepTimeoutError } from './step-failure.ts';

/** What one run's attempts share. */
export interface AttemptRunnerOptions {
  readonly dispatch: (request: StepDispatch) => Promise<FlowResult>;
  readonly clock: Clock;
  /** The run's signal: aborted when the run is cancelled. */
  readonly signal: AbortSignal;
  /**
   * In-flight attempts register here instead of each adding an abort listener to the run signal
   * (a fan-out of thousands of steps would otherwise pile up listeners); the run calls them all
   * when it is cancelled.
   */
  readonly cancelHooks: Set<(reason: Error) => void>;
}

/** Dispatches one attempt of a step. */
export type AttemptRunner = (
  step: StepPlan,
  input: unknown,
  attempt: number,
  retries: number,
) => Promise<FlowResult>;

const asError = (error: unknown): Error =>
  error instanceof Error ? error : new Error(String(error));

/**
 * Creates the function that dispatches one attempt, settled early when the run is cancelled or
 * the step's `timeoutMs` elapses (the component's signal is aborted too, so it can stop its work).
 */
export function createAttemptRunner(options: AttemptRunnerOptions): AttemptRunner {
  const { dispatch, clock, signal, cancelHooks } = options;

  /** The usual case: the run's signal is the attempt's, and run cancellation rejects it. */
  const withoutTimeout: AttemptRunner = (step, input, attempt, retries) =>
    new Promise<FlowResult>((resolve, reject) => {
      cancelHooks.add(reject);
      dispatch({ step, input, attempt, retries, signal }).then(
        (result) => {
          cancelHooks.delete(reject);
          resolve(result);
        },
        (error: unknown) => {
          cancelHooks.delete(reject);
          reject(asError(error));
        },
      );
    });

  /** With `timeoutMs`: the attempt gets its own signal, aborted on timeout or run cancellation. */
  const withTimeout: AttemptRunner = (step, input, attempt, retries) =>
    new Promise<FlowResult>((resolve, reject) => {
      const timeoutMs = step.timeoutMs ?? 0;
      const controller = new AbortController();
      const timer = new AbortController();
      const hook = (reason: Error): void => {
        controller.abort(reason);
        reject(reason);
      };
      const settle = (): void => {
        cancelHooks.delete(hook);
        timer.abort();
      };
      clock.sleep(timeoutMs, timer.signal).then(
        () => {
          const error = new StepTimeoutError(timeoutMs);
          settle();
          controller.abort(error);
          reject(error);
        },
        () => undefined,
      );
      cancelHooks.add(hook);
      dispatch({ step, input, attempt, retries, signal: controller.signal }).then(
        (result) => {
          settle();
          resolve(result);
        },
        (error: unknown) => {
          settle();
          reject(asError(error));
        },
      );
    });

  return (step, input, attempt, retries) =>
    step.timeoutMs === undefined
      ? withoutTimeout(step, input, attempt, retries)
      : withTimeout(step, input, attempt, retries);
}
