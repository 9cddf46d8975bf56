import type { FlowResult, RunEvent } from '@stepflow/protocol';

/** The status a step shows, as the graph colours it. */
export type StepViewStatus =
  'pending' | 'running' | 'retrying' | 'paused' | 'completed' | 'failed' | 'skipped';

/** The status a run shows. */
export type RunViewStatus = 'pending' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';

/** One attempt of a step: when it started, its input, and why it failed when it did. */
export interface AttemptView {
  readonly attempt: number;
  readonly startedAt: number;
  readonly input: unknown;
  readonly component: string;
  readonly endedAt?: number;
  readonly error?: { readonly code: number; readonly message: string; readonly data?: unknown };
}

/** A step as the run page shows it. */
export interface StepView {
  readonly stepId: string;
  readonly status: StepViewStatus;
  readonly attempts: readonly AttemptView[];
  readonly result?: FlowResult;
  readonly startedAt?: number;
  readonly endedAt?: number;
}

/** A line of the run's timeline. */
export interface TimelineEntry {
  /** The journal sequence number (the SSE id), or the index of arrival when absent. */
  readonly seq: number;
  readonly at: number;
  readonly type: string;
  readonly stepId?: string;
  readonly summary: string;
}

/** An event of a kind this page was not built with: its type, time and maybe its step. */
export interface OtherEvent {
  readonly type: string;
  readonly at: number;
  readonly stepId?: unknown;
}

/** Everything the run page shows, folded from the run's events. */
export interface RunView {
  readonly status: RunViewStatus;
  readonly input?: unknown;
  readonly result?: FlowResult;
  readonly startedAt?: number;
  readonly endedAt?: number;
  /** Steps by id, in the order they were first seen. */
  readonly steps: ReadonlyMap<string, StepView>;
  readonly timeline: readonly TimelineEntry[];
  /** The last sequence number applied: events at or below it are duplicates. */
  readonly lastSeq: number;
}

/** The view of a run before any event. */
export const EMPTY_RUN_VIEW: RunView = {
  status: 'pending',
  steps: new Map(),
  timeline: [],
  lastSeq: 0,
};

/** Most timeline entries kept: a long-running loop must not grow the page without bound. */
export const TIMELINE_LIMIT = 2000;

/**
 * Applies one event to a run view and answers the new view (the old one is unchanged). An event
 * whose `seq` is not above the last one applied is a replayed duplicate and changes nothing, so
 * a reconnecting stream may deliver the same event twice.
 */
export function reduceRunEvent(
  view: RunView,
  incoming: RunEvent | OtherEvent,
  seq?: number,
): RunView {
  // Known kinds are narrowed by `type`; the rest are handled in the `default` branch.
  const event = incoming as RunEvent;
  const order = seq ?? view.lastSeq + 1;
  if (seq !== undefined && seq <= view.lastSeq) return view;
  const steps = new Map(view.steps);
  let { status, input, result, startedAt, endedAt } = view;
  let stepId: string | undefined;
  let summary: string;
  switch (event.type) {
    case 'runStarted':
      status = 'running';
      input = event.input;
      startedAt = event.at;
      summary = 'Run started';
      break;
    case 'runResumed':
      if (status === 'pending') status = 'running';
      summary = 'Run resumed';
      break;
    case 'stepStarted': {
      stepId = event.stepId;
      const step = steps.get(stepId) ?? emptyStep(stepId);
      const attempt: AttemptView = {
        attempt: event.attempt,
        startedAt: event.at,
        input: event.input,
        component: event.component,
      };
      steps.set(stepId, {
        ...step,
        status: 'running',
        startedAt: step.startedAt ?? event.at,
        attempts: [...step.attempts.filter((a) => a.attempt !== event.attempt), attempt],
      });
      summary = `${stepId} started (attempt ${event.attempt}, ${event.component})`;
      break;
    }
    case 'stepRetrying': {
      stepId = event.stepId;
      const step = steps.get(stepId) ?? emptyStep(stepId);
      const attempts = step.attempts.map((a) =>
        a.attempt === event.attempt ? { ...a, endedAt: event.at, error: event.error } : a,
      );
      steps.set(stepId, { ...step, status: 'retrying', attempts });
      summary = `${stepId} attempt ${event.attempt} failed: ${event.error.message}; retrying in ${event.delayMs} ms`;
      break;
    }
    case 'stepCompleted': {
      stepId = event.stepId;
      const step = steps.get(stepId) ?? emptyStep(stepId);
      const failure = event.result.outcome === 'failed' ? event.result.error : undefined;
      const attempts = step.attempts.map((a) =>
        a.attempt === event.attempt && a.endedAt === undefined
          ? { ...a, endedAt: event.at, ...(failure === undefined ? {} : { error: failure }) }
          : a,
      );
      steps.set(stepId, {
        ...step,
        status: stepStatusOf(event.result),
        attempts,
        result: event.result,
        endedAt: event.at,
      });
      summary = `${stepId} ${outcomeText(event.result)}`;
      break;
    }
    case 'runCompleted':
      status = runStatusOf(event.result);
      result = event.result;
      endedAt = event.at;
      summary = `Run ${outcomeText(event.result)}`;
      break;
    default: {
      // An event this page does not know yet (a newer service): shown, and a pause understood.
      const other = incoming as OtherEvent;
      stepId = typeof other.stepId === 'string' ? other.stepId : undefined;
      summary = stepId === undefined ? other.type : `${stepId}: ${other.type}`;
      if (stepId !== undefined && (other.type === 'stepPaused' || other.type === 'stepAnswered')) {
        const step = steps.get(stepId) ?? emptyStep(stepId);
        steps.set(stepId, { ...step, status: other.type === 'stepPaused' ? 'paused' : 'running' });
      }
    }
  }
  const entry: TimelineEntry = {
    seq: order,
    at: event.at,
    type: event.type,
    summary,
    ...(stepId === undefined ? {} : { stepId }),
  };
  const timeline = [...view.timeline, entry];
  if (timeline.length > TIMELINE_LIMIT) timeline.splice(0, timeline.length - TIMELINE_LIMIT);
  return {
    status,
    steps,
    timeline,
    lastSeq: order,
    ...(input === undefined ? {} : { input }),
    ...(result === undefined ? {} : { result }),
    ...(startedAt === undefined ? {} : { startedAt }),
    ...(endedAt === undefined ? {} : { endedAt }),
  };
}

/** Folds a whole event list (a journal) into a view. */
export function foldRunView(
  events: readonly { event: RunEvent | OtherEvent; seq?: number }[],
): RunView {
  return events.reduce((view, { event, seq }) => reduceRunEvent(view, event, seq), EMPTY_RUN_VIEW);
}

/** Marks a run cancelled when the service says so (a cancelled run may journal no end). */
export function withRunStatus(view: RunView, status: RunViewStatus): RunView {
  return view.status === status ? view : { ...view, status };
}

function emptyStep(stepId: string): StepView {
  return { stepId, status: 'pending', attempts: [] };
}

function stepStatusOf(result: FlowResult): StepViewStatus {
  return result.outcome === 'success'
    ? 'completed'
    : result.outcome === 'skipped'
      ? 'skipped'
      : 'failed';
}

function runStatusOf(result: FlowResult): RunViewStatus {
  if (result.outcome === 'success') return 'completed';
  // A cancelled run ends failed with the cancellation's code; the service's status says which.
  return 'failed';
}

function outcomeText(result: FlowResult): string {
  if (result.outcome === 'success') return 'completed';
  if (result.outcome === 'skipped')
    return `skipped${result.reason === undefined ? '' : `: ${result.reason}`}`;
  return `failed: ${result.error.message}`;
}
