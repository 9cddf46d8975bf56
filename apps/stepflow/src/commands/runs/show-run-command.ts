import { Command } from 'commander';
import type { Flow } from '@stepflow/protocol';
import { foldRunEvents, planFlow, stepStatuses, type RunState } from '@stepflow/runtime';
import type { RunRecord } from '@stepflow/state-store';
import type { CliContext } from '../../internal/cli-context.ts';
import {
  formatOption,
  formatRunsData,
  table,
  timeText,
  type RunsOutputFormat,
} from './runs-output-format.ts';
import { loadStoredFlow } from './stored-flow.ts';
import {
  requireRun,
  withRunsStore,
  withStoreOptions,
  type RunsStoreOptions,
} from './runs-store-options.ts';

interface ShowOptions extends RunsStoreOptions {
  readonly format: RunsOutputFormat;
}

/** One step of `runs show`. */
interface StepView {
  readonly id: string;
  readonly status: string;
  readonly attempts: number;
  readonly component?: string;
  readonly startedAt?: number;
  readonly completedAt?: number;
  readonly error?: unknown;
}

/** `stepflow runs show <id>`: a run's record, each step's state and the result. */
export function showRunCommand(context: () => CliContext): Command {
  return withStoreOptions(
    new Command('show')
      .description(
        "Show a run: its status, each step's status, attempts, times and error, and the result",
      )
      .argument('<run-id>', 'the run')
      .addOption(formatOption()),
  ).action(async (runId: string, options: ShowOptions) => {
    const { io } = context();
    await withRunsStore(options, context(), async (opened) => {
      const run = await requireRun(opened, runId);
      const flow = await loadStoredFlow(opened, run);
      const state = foldRunEvents(
        (await opened.store.readEvents(runId)).map((entry) => entry.event),
      );
      const steps = stepViews(flow, state);
      io.writeOut(
        options.format === 'pretty'
          ? prettyRun(run, steps)
          : formatRunsData(
              { ...run, steps, ...(state?.result === undefined ? {} : { result: state.result }) },
              options.format,
            ),
      );
    });
  });
}

/** Every step of the flow in declaration order, with what the journal says about it. */
function stepViews(flow: Flow, state: RunState | undefined): StepView[] {
  const plan = planFlow(flow);
  const statuses = state === undefined ? undefined : stepStatuses(plan, state);
  return plan.steps.map((step) => {
    const recorded = state?.steps.get(step.id);
    const error =
      recorded?.result?.outcome === 'failed' ? recorded.result.error : recorded?.lastError;
    return {
      id: step.id,
      status: statuses?.get(step.id) ?? 'blocked',
      attempts: recorded?.attempts ?? 0,
      ...(recorded?.component === undefined ? {} : { component: recorded.component }),
      ...(recorded?.startedAt === undefined ? {} : { startedAt: recorded.startedAt }),
      ...(recorded?.completedAt === undefined ? {} : { completedAt: recorded.completedAt }),
      ...(error === undefined ? {} : { error }),
    };
  });
}

function prettyRun(run: RunRecord, steps: readonly StepView[]): string {
  const header = [
    `run       ${run.id}`,
    `status    ${run.status}`,
    `flow      ${run.flowName ?? '-'} (${run.flowId})`,
    ...(run.parentRunId === undefined
      ? []
      : [`parent    ${run.parentRunId} step ${run.parentStepId ?? '-'}`]),
    `created   ${timeText(run.createdAt)}`,
    `completed ${timeText(run.completedAt)}`,
    '',
  ].join('\n');
  const rows = table([
    ['STEP', 'STATUS', 'ATTEMPTS', 'STARTED', 'COMPLETED', 'ERROR'],
    ...steps.map((step) => [
      step.id,
      step.status,
      String(step.attempts),
      timeText(step.startedAt),
      timeText(step.completedAt),
      step.error === undefined ? '' : errorText(step.error),
    ]),
  ]);
  const result =
    run.result === undefined ? 'result    -\n' : `result    ${JSON.stringify(run.result)}\n`;
  return `${header}\n${rows}\n${result}`;
}

function errorText(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const { code, message } = error as { code?: unknown; message: unknown };
    const codeText = typeof code === 'number' ? `${code} ` : '';
    return `${codeText}${typeof message === 'string' ? message : JSON.stringify(message)}`;
  }
  return JSON.stringify(error);
}
