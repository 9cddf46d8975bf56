import type { FlowResult } from '@stepflow/protocol';
import type { RunEvent } from '../scheduler/run-event.ts';
import { CANCELLED_ERROR_CODE } from '../scheduler/step-failure.ts';
import type { RunState, RunStatus, StepState } from './run-state.ts';

/** Thrown when events do not form a run: the journal is corrupt or belongs to another run. */
export class RunStateError extends Error {
  override readonly name = 'RunStateError';
}

/** The run status a final result gives: a skipped outcome is `completed`, cancellation its own. */
export function statusOfResult(result: FlowResult): RunStatus {
  if (result.outcome !== 'failed') return 'completed';
  return result.error.code === CANCELLED_ERROR_CODE ? 'cancelled' : 'failed';
}

function stepOf(state: RunState, stepId: string): StepState {
  let step = state.steps.get(stepId);
  if (step === undefined) {
    step = { stepId, status: 'running', attempts: 0, onErrorRetries: 0, transportRetries: 0 };
    state.steps.set(stepId, step);
  }
  return step;
}

/**
 * Folds one event into a run's state and returns it. The first event must be `runStarted`
 * (pass `undefined` as the state). Folds in place, O(1) per event, so replaying a journal of a
 * thousand-step fan-out stays linear; treat the state as owned by the fold.
 */
export function reduceRunEvent(state: RunState | undefined, event: RunEvent): RunState {
  if (state === undefined) {
    if (event.type !== 'runStarted')
      throw new RunStateError(
        `run ${event.runId}: the first event is '${event.type}', not 'runStarted'`,
      );
    return {
      runId: event.runId,
      flowId: event.flowId,
      input: event.input,
      ...(event.parentRunId === undefined ? {} : { parentRunId: event.parentRunId }),
      ...(event.parentStepId === undefined ? {} : { parentStepId: event.parentStepId }),
      status: 'running',
      startedAt: event.at,
      steps: new Map(),
      eventCount: 1,
    };
  }
  if (event.runId !== state.runId)
    throw new RunStateError(`event of run ${event.runId} in the journal of run ${state.runId}`);
  state.eventCount++;
  switch (event.type) {
    case 'runStarted':
      throw new RunStateError(`run ${state.runId}: a second 'runStarted' event`);
    case 'runResumed':
      state.status = 'running';
      state.resumedAt = event.at;
      delete state.result;
      delete state.completedAt;
      return state;
    case 'stepStarted': {
      const step = stepOf(state, event.stepId);
      step.status = 'running';
      step.attempts = Math.max(step.attempts, event.attempt);
      step.component = event.component;
      step.startedAt ??= event.at;
      return state;
    }
    case 'stepRetrying': {
      const step = stepOf(state, event.stepId);
      if (event.reason === 'onError') step.onErrorRetries++;
      else step.transportRetries++;
      step.lastError = event.error;
      return state;
    }
    case 'stepCompleted': {
      const step = stepOf(state, event.stepId);
      const result = event.result;
      step.status =
        result.outcome === 'success'
          ? 'completed'
          : result.outcome === 'skipped'
            ? 'skipped'
            : 'failed';
      step.attempts = Math.max(step.attempts, event.attempt);
      step.completedAt = event.at;
      step.result = result;
      if (result.outcome === 'failed') step.lastError = result.error;
      return state;
    }
    case 'stepPaused': {
      const step = stepOf(state, event.stepId);
      step.status = 'paused';
      step.startedAt ??= event.at;
      step.pause = {
        kind: event.kind,
        pausedAt: event.at,
        answered: false,
        ...(event.prompt === undefined ? {} : { prompt: event.prompt }),
        ...(event.schema === undefined ? {} : { schema: event.schema }),
        ...(event.expiresAt === undefined ? {} : { expiresAt: event.expiresAt }),
        ...(event.wakeAt === undefined ? {} : { wakeAt: event.wakeAt }),
      };
      return state;
    }
    case 'stepAnswered': {
      const step = stepOf(state, event.stepId);
      step.status = 'running';
      const pause = (step.pause ??= { kind: 'question', pausedAt: event.at, answered: false });
      pause.answered = true;
      pause.answer = event.answer;
      pause.answeredAt = event.at;
      if (event.by !== undefined) pause.answeredBy = event.by;
      return state;
    }
    case 'runCompleted':
      state.status = statusOfResult(event.result);
      state.completedAt = event.at;
      state.result = event.result;
      return state;
  }
}

/** Folds a whole journal; `undefined` for an empty one. */
export function foldRunEvents(events: Iterable<RunEvent>): RunState | undefined {
  let state: RunState | undefined;
  for (const event of events) state = reduceRunEvent(state, event);
  return state;
}
