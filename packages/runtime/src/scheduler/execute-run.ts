import type { FlowError, FlowResult } from '@stepflow/protocol';
import type { Clock, RandomSource } from '../clock.ts';
import { ComponentUnavailableError } from '../errors/component-unavailable-error.ts';
import { RunSuspendedError } from '../errors/run-suspended-error.ts';
import { type ResolutionScope, resolveTemplate } from '../expressions/resolve-template.ts';
import { isTruthy } from '../expressions/truthiness.ts';
import { redactSecrets } from '../internal/redact-secrets.ts';
import type { PersistEvent } from '../journal/group-commit.ts';
import { foldRunEvents } from '../run-state/reduce-run-event.ts';
import type { StepState } from '../run-state/run-state.ts';
import { applyErrorPolicy, failureFromResolution } from './apply-error-policy.ts';
import { createAttemptRunner } from './attempt-runner.ts';
import { backoffDelay } from './backoff-delay.ts';
import type { FlowPlan, StepPlan } from './flow-plan.ts';
import type { PauseHost } from './pause-host.ts';
import { createRunPauses, type PauseKind } from './pause-step.ts';
import { outputSchemaFailure } from './output-failure.ts';
import { outputResult } from './output-result.ts';
import type { RunEvent } from './run-event.ts';
import { startThroughGate, type GatedRun, type StepGate } from './step-gate.ts';
import {
  CANCELLED_ERROR_CODE,
  INFRASTRUCTURE_ERROR_CODE,
  StepTimeoutError,
  describeThrown,
  redactFailure,
  stepFailure,
} from './step-failure.ts';

/** Number of retries after a crashed or unreachable component (DECISIONS item 12). */
export const TRANSPORT_RETRY_BUDGET = 3;

/** One dispatch of a step to its component. */
export interface StepDispatch {
  readonly step: StepPlan;
  readonly input: unknown;
  readonly attempt: number;
  /** `onError: retry` retries before this attempt (0 for the first try and transport retries). */
  readonly retries: number;
  readonly signal: AbortSignal;
}

/** Everything `executeRun` needs; the runtime supplies routing and plugins through `dispatch`. */
export interface ExecuteRunOptions {
  readonly plan: FlowPlan;
  readonly input: unknown;
  readonly runId: string;
  readonly flowId: string;
  readonly parentRunId?: string;
  readonly parentStepId?: string;
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly random: RandomSource;
  /** Routes and executes; resolves the component's result or throws. */
  readonly dispatch: (request: StepDispatch) => Promise<FlowResult>;
  /** Post-routing name of a step's component for events (best effort). */
  readonly componentName?: (step: StepPlan, input: unknown) => string;
  /**
   * Receives every event; when absent no event is built (a fan-out of thousands of steps then
   * skips two event objects, two clock reads and a routing per step).
   */
  readonly emit?: (event: RunEvent) => void;
  /**
   * Makes events durable. When present, a step's `stepCompleted` is persisted before its
   * dependents start, `runStarted` before the first dispatch and `runCompleted` before the run's
   * result is reported; a failure to persist rejects the run.
   */
  readonly persist?: PersistEvent;
  /** Events of an earlier attempt at this run: recorded results are kept, not re-executed. */
  readonly resumeFrom?: readonly RunEvent[];
  /** Enforce the `outputSchema`s of the steps and of the flow. */
  readonly validate: boolean;
  /** Consulted before each step starts (see `StepGate`); absent, steps start when ready. */
  readonly stepGate?: StepGate;
  /** Where `ask_human` and `sleep` steps wait; without it they dispatch like any step. */
  readonly pauses?: PauseHost;
  /** Which pausing builtin a step is, if any (after routing). */
  readonly pauseKindOf?: (step: StepPlan, input: unknown) => PauseKind | undefined;
}

const SKIPPED: FlowResult = { outcome: 'skipped' };

/**
 * Executes one run of a planned flow (§3): steps start as soon as all their dependencies have
 * results, steps that skip are recorded in the same pass (fast-skip), failures go through
 * `onError`, and the output template gives the run's FlowResult. Every state change is an event.
 */
export function executeRun(options: ExecuteRunOptions): Promise<FlowResult> {
  const { plan, runId, clock, emit } = options;
  const steps = plan.steps;
  const count = steps.length;
  const results: (FlowResult | undefined)[] = new Array<FlowResult | undefined>(count);
  const pending = new Int32Array(count);
  const scope: ResolutionScope = {
    input: options.input,
    stepResult: (stepId) => {
      const step = plan.byId.get(stepId);
      return step === undefined ? undefined : results[step.index];
    },
  };
  let done = 0;
  /** Steps dispatched (or waiting) and not yet settled. */
  let running = 0;
  let finished = false;
  let resolveRun!: (result: FlowResult) => void;
  let rejectRun!: (error: Error) => void;
  const promise = new Promise<FlowResult>((resolve, reject) => {
    resolveRun = resolve;
    rejectRun = reject;
  });
  const persist = options.persist;
  /** `stepCompleted` events not yet durable: the run cannot end before they are. */
  let unpersisted = 0;
  /** The state an earlier attempt at the run left, when this one resumes it. */
  const earlier = options.resumeFrom?.length ? foldRunEvents(options.resumeFrom) : undefined;
  const prior: ReadonlyMap<string, StepState> | undefined = earlier?.steps;
  const ready: number[] = [];
  // In-flight attempts register here instead of each adding an abort listener to the run signal
  // (a fan-out of thousands of steps would otherwise pile up listeners).
  const cancelHooks = new Set<(reason: Error) => void>();

  const finish = (result: FlowResult): void => {
    if (finished) return;
    finished = true;
    options.signal.removeEventListener('abort', onAbort);
    if (!emit && !persist) {
      resolveRun(result);
      return;
    }
    const event: RunEvent = { type: 'runCompleted', runId, at: clock.now(), result };
    emit?.(event);
    // A run stopped by its runtime shutting down stays unfinished in the journal: it resumes.
    if (persist && !RunSuspendedError.isInstance(options.signal.reason))
      persist(event).then(() => resolveRun(result), journalFailed);
    else resolveRun(result);
  };

  /**
   * The journal refused a write: the run cannot go on durably, so it stops where it is; `rethrow`
   * for a caller that waits on the write.
   */
  function journalFailed(error: unknown, rethrow = false): void {
    const failure = error instanceof Error ? error : new Error(String(error));
    if (!finished) {
      finished = true;
      options.signal.removeEventListener('abort', onAbort);
      for (const hook of cancelHooks) hook(failure);
      cancelHooks.clear();
    }
    rejectRun(failure);
    if (rethrow) throw failure;
  }

  function onAbort(): void {
    const reason: unknown = options.signal.reason;
    const error = reason instanceof Error ? reason : new Error('the run was cancelled');
    for (const hook of cancelHooks) hook(error);
    cancelHooks.clear();
    const message = error.message;
    finish({
      outcome: 'failed',
      error: { code: CANCELLED_ERROR_CODE, message: 'Run cancelled', data: { reason: message } },
    });
  }

  const release = (step: StepPlan): void => {
    const dependents = step.dependents;
    for (let i = 0; i < dependents.length; i++) {
      const dependent = dependents[i]!;
      if (--pending[dependent]! === 0) ready.push(dependent);
    }
  };

  /** Records a step's final result; `replayed` results are in the journal already. */
  const record = (step: StepPlan, result: FlowResult, attempt: number, replayed = false): void => {
    if (finished) return;
    results[step.index] = result;
    done++;
    if (!emit && !persist) {
      release(step);
      return;
    }
    const event: RunEvent = {
      type: 'stepCompleted',
      runId,
      at: clock.now(),
      stepId: step.id,
      attempt,
      result,
    };
    emit?.(event);
    if (!persist || replayed) {
      release(step);
      return;
    }
    unpersisted++;
    persist(event).then(() => {
      unpersisted--;
      if (finished) return;
      release(step);
      pump();
    }, journalFailed);
  };

  /** Emits an event and starts persisting it without waiting (attempt bookkeeping). */
  const note = (event: RunEvent): void => {
    emit?.(event);
    persist?.(event).catch(journalFailed);
  };

  const noteRetry = (
    step: StepPlan,
    attempt: number,
    error: FlowError,
    delayMs: number,
    reason: 'onError' | 'transport',
  ): void =>
    note({
      type: 'stepRetrying',
      runId,
      at: clock.now(),
      stepId: step.id,
      attempt,
      error,
      delayMs,
      reason,
    });

  const afterFailure = (step: StepPlan, error: FlowError): FlowResult =>
    applyErrorPolicy(step, error, scope);

  const pauses =
    options.pauses &&
    createRunPauses({
      runId,
      clock,
      signal: options.signal,
      host: options.pauses,
      cancelHooks,
      prior,
      note,
      persistNow: (event) => {
        emit?.(event);
        return persist
          ? persist(event).catch((error: unknown) => journalFailed(error, true))
          : Promise.resolve();
      },
      afterFailure,
      componentName: (step, input) =>
        options.componentName ? options.componentName(step, input) : step.component,
      inFlight: () => running,
      otherWork: () => unpersisted > 0 || finished,
    });

  const attemptOnce = createAttemptRunner({
    dispatch: options.dispatch,
    clock,
    signal: options.signal,
    cancelHooks,
  });

  const runAttempts = async (
    step: StepPlan,
    input: unknown,
  ): Promise<{ result: FlowResult; attempt: number }> => {
    const earlier = prior?.get(step.id);
    let attempt = earlier?.attempts ?? 0;
    let transportRetries = earlier?.transportRetries ?? 0;
    let failures = earlier?.onErrorRetries ?? 0;
    const tracked = emit !== undefined || persist !== undefined;
    for (;;) {
      attempt++;
      if (finished) return { result: SKIPPED, attempt };
      if (tracked)
        note({
          type: 'stepStarted',
          runId,
          at: clock.now(),
          stepId: step.id,
          attempt,
          component: options.componentName ? options.componentName(step, input) : step.component,
          input: redactSecrets(input),
        });
      let failure: FlowError;
      try {
        const result = await attemptOnce(step, input, attempt, failures);
        if (result.outcome === 'skipped') return { result, attempt };
        if (result.outcome === 'success') {
          const invalid =
            step.outputSchema !== undefined && options.validate
              ? outputSchemaFailure(
                  step.outputSchema,
                  result.result,
                  `the output of step ${JSON.stringify(step.id)}`,
                )
              : undefined;
          if (invalid === undefined) return { result, attempt };
          failure = stepFailure(step.id, { component: step.component, attempt, cause: invalid });
        } else {
          failure = result.error;
        }
      } catch (error) {
        if (finished || options.signal.aborted) return { result: SKIPPED, attempt };
        if (
          ComponentUnavailableError.isInstance(error) &&
          transportRetries < TRANSPORT_RETRY_BUDGET
        ) {
          transportRetries++;
          if (tracked) noteRetry(step, attempt, describeThrown(error), 0, 'transport');
          continue;
        }
        const cause = describeThrown(error);
        failure = stepFailure(step.id, {
          component: step.component,
          attempt,
          cause:
            error instanceof StepTimeoutError
              ? { code: INFRASTRUCTURE_ERROR_CODE, message: `step '${step.id}' ${error.message}` }
              : cause,
        });
      }
      // Failure data often quotes the input (a component echoing what it got): no secrets in it.
      failure = redactFailure(failure);
      failures++;
      const policy = step.onError;
      if (policy.action === 'retry' && failures < policy.maxAttempts) {
        const delayMs = backoffDelay(policy.backoff, failures, options.random);
        if (tracked) noteRetry(step, attempt, failure, delayMs, 'onError');
        try {
          await clock.sleep(delayMs, options.signal);
        } catch {
          return { result: SKIPPED, attempt };
        }
        continue;
      }
      return { result: afterFailure(step, failure), attempt };
    }
  };

  const start = (index: number): void => {
    const step = steps[index]!;
    if (step.skipIf) {
      const condition = resolveTemplate(step.skipIf, scope);
      if (condition.status === 'error') {
        record(step, afterFailure(step, failureFromResolution(step, 'skipIf', condition).error), 0);
        return;
      }
      if (condition.status === 'success' && isTruthy(condition.value)) {
        record(step, SKIPPED, 0);
        return;
      }
    }
    const input = resolveTemplate(step.input, scope);
    if (input.status === 'skipped') {
      record(step, SKIPPED, 0);
      return;
    }
    if (input.status !== 'success') {
      record(step, afterFailure(step, failureFromResolution(step, 'input', input).error), 0);
      return;
    }
    running++;
    const pauseKind = pauses && options.pauseKindOf?.(step, input.value);
    const execution =
      pauseKind === undefined || pauses === undefined
        ? runAttempts(step, input.value)
        : pauses.run(pauseKind, step, input.value).then((result) => ({ result, attempt: 1 }));
    execution.then(
      ({ result, attempt }) => {
        running--;
        record(step, result, attempt);
        pump();
      },
      (error: unknown) => {
        running--;
        record(
          step,
          {
            outcome: 'failed',
            error: redactFailure(stepFailure(step.id, { cause: describeThrown(error) })),
          },
          0,
        );
        pump();
      },
    );
  };

  /** Steps a step gate holds back. */
  let held = 0;
  const gate = options.stepGate;
  const gated: GatedRun = { hold: () => held++, unhold: () => held--, pump: () => pump() };
  const pump = (): void => {
    if (finished) return;
    while (ready.length > 0) {
      if (finished) return;
      const index = ready.pop()!;
      if (gate === undefined) start(index);
      else startThroughGate(gate, steps[index]!, () => start(index), gated);
    }
    if (done === count && running === 0 && held === 0 && unpersisted === 0) {
      const result = outputResult(resolveTemplate(plan.output, scope));
      const invalid =
        result.outcome === 'success' && plan.outputSchema !== undefined && options.validate
          ? outputSchemaFailure(plan.outputSchema, result.result, 'the flow output')
          : undefined;
      finish(invalid === undefined ? result : { outcome: 'failed', error: invalid });
    }
    pauses?.report();
  };

  const opening: RunEvent | undefined =
    !emit && !persist
      ? undefined
      : earlier
        ? { type: 'runResumed', runId, at: clock.now() }
        : {
            type: 'runStarted',
            runId,
            at: clock.now(),
            flowId: options.flowId,
            input: redactSecrets(options.input),
            ...(options.parentRunId === undefined ? {} : { parentRunId: options.parentRunId }),
            ...(options.parentStepId === undefined ? {} : { parentStepId: options.parentStepId }),
          };
  if (opening) emit?.(opening);
  if (options.signal.aborted) {
    onAbort();
    return promise;
  }
  options.signal.addEventListener('abort', onAbort, { once: true });

  for (let i = 0; i < count; i++) pending[i] = steps[i]!.dependencies.length;
  for (const step of steps) {
    const previous = prior?.get(step.id)?.result;
    if (previous !== undefined) record(step, previous, 0, true);
  }
  // Steps start in declaration order (the ready list is a stack, so push in reverse).
  const initial: number[] = [];
  for (let i = 0; i < count; i++) if (pending[i] === 0 && results[i] === undefined) initial.push(i);
  ready.length = 0;
  for (let i = initial.length - 1; i >= 0; i--) ready.push(initial[i]!);
  // A durable run's opening event is in the journal before anything is dispatched.
  if (persist && opening) persist(opening).then(pump, journalFailed);
  else pump();
  return promise;
}
