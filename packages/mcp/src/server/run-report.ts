import type { Flow, FlowError, FlowResult, RunStatus, StepStatus } from '@stepflow/protocol';
import { foldRunEvents, planFlow, stepStatuses } from '@stepflow/runtime';
import type { RunRecord, StateStore } from '@stepflow/state-store';

/** One step of a run as `workflow_status` shows it. */
export interface StepReport {
  readonly stepId: string;
  readonly component: string;
  readonly status: StepStatus;
  /** Why the step failed, when it did. */
  readonly error?: FlowError;
}

/** A run as `workflow_status` and the `stepflow://runs/{runId}` resource show it. */
export interface RunReport {
  readonly runId: string;
  readonly flowId: string;
  readonly flowName: string | null;
  readonly status: RunStatus;
  readonly createdAt: string;
  readonly completedAt: string | null;
  /** Every step of the flow, in flow order, with its status rebuilt from the run's journal. */
  readonly steps: readonly StepReport[];
  /** The questions its `ask_human` steps wait on (answer them with `workflow_resume`). */
  readonly questions: readonly QuestionReport[];
  /** The run's result once it ended. */
  readonly result?: FlowResult;
}

/** An open question of a run, as `workflow_status` shows it. */
export interface QuestionReport {
  readonly stepId: string;
  /** What the person is asked (any JSON). */
  readonly prompt: unknown;
  /** The JSON Schema the answer must satisfy. */
  readonly schema?: Record<string, unknown>;
  readonly expiresAt?: string;
}

/** A run as `workflow_list` shows it. */
export interface RunSummaryReport {
  readonly runId: string;
  readonly flowId: string;
  readonly flowName: string | null;
  readonly status: RunStatus;
  readonly createdAt: string;
  readonly completedAt: string | null;
}

/** The summary of a run record. */
export function runSummaryReport(run: RunRecord): RunSummaryReport {
  return {
    runId: run.id,
    flowId: run.flowId,
    flowName: run.flowName ?? null,
    status: run.status,
    createdAt: new Date(run.createdAt).toISOString(),
    completedAt: run.completedAt === undefined ? null : new Date(run.completedAt).toISOString(),
  };
}

/** The report of run `runId`, or `undefined` when the store has no such run. */
export async function runReport(store: StateStore, runId: string): Promise<RunReport | undefined> {
  const run = await store.getRun(runId);
  if (run === undefined) return undefined;
  const blob = await store.get(run.flowId);
  const flow = blob?.blobType === 'flow' ? (blob.data as Flow) : undefined;
  const state = foldRunEvents((await store.readEvents(run.id)).map((entry) => entry.event));
  const steps: StepReport[] = [];
  if (flow !== undefined) {
    const plan = planFlow(flow);
    const statuses = state === undefined ? undefined : stepStatuses(plan, state);
    for (const step of plan.steps) {
      const result = state?.steps.get(step.id)?.result;
      steps.push({
        stepId: step.id,
        component: step.component,
        status: statuses?.get(step.id) ?? 'blocked',
        ...(result?.outcome === 'failed' ? { error: result.error } : {}),
      });
    }
  }
  const open = await store.listPendingAnswers({ runId: run.id, answered: false });
  const questions = open.map((question) => ({
    stepId: question.stepId,
    prompt: question.prompt,
    ...(question.schema === undefined ? {} : { schema: question.schema }),
    ...(question.expiresAt === undefined
      ? {}
      : { expiresAt: new Date(question.expiresAt).toISOString() }),
  }));
  return {
    ...runSummaryReport(run),
    steps,
    questions,
    ...(run.result === undefined ? {} : { result: run.result }),
  };
}
