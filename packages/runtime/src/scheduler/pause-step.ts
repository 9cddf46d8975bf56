import type { FlowError, FlowResult } from '@stepflow/protocol';
import type { Clock } from '../clock.ts';
import { redactSecrets } from '../internal/redact-secrets.ts';
import { parseQuestionInput, parseSleepInput } from '../pauses/pause-input.ts';
import type { StepState } from '../run-state/run-state.ts';
import type { StepPlan } from './flow-plan.ts';
import type { GivenAnswer, PauseHost } from './pause-host.ts';
import type { RunEvent } from './run-event.ts';
import { INFRASTRUCTURE_ERROR_CODE, stepFailure } from './step-failure.ts';

/** The builtins that pause their step instead of executing in a plugin. */
export type PauseKind = 'ask_human' | 'sleep';

/** What the pausing steps of one run share with the run. */
export interface PauseRunnerOptions {
  readonly runId: string;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly host: PauseHost;
  /** In-flight waits register here; the run calls them when it is cancelled. */
  readonly cancelHooks: Set<(reason: Error) => void>;
  /** Step states an earlier attempt at the run left (resume). */
  readonly prior: ReadonlyMap<string, StepState> | undefined;
  /** Emits (and starts persisting) an event without waiting. */
  readonly note: (event: RunEvent) => void;
  /** Emits an event and resolves once it is durable. */
  readonly persistNow: (event: RunEvent) => Promise<void>;
  /** A step's final failure through its `onError`. */
  readonly afterFailure: (step: StepPlan, error: FlowError) => FlowResult;
  /** One more (+1) or one fewer (-1) step waits. */
  readonly waiting: (delta: 1 | -1) => void;
  /** Post-routing component name for `stepStarted`. */
  readonly componentName: (step: StepPlan, input: unknown) => string;
}

/** Runs one pausing step to its result (the run then records it as any other). */
export type PauseRunner = (kind: PauseKind, step: StepPlan, input: unknown) => Promise<FlowResult>;

const SKIPPED: FlowResult = { outcome: 'skipped' };

/** Creates the function that runs `ask_human` and `sleep` steps for one run. */
export function createPauseRunner(options: PauseRunnerOptions): PauseRunner {
  const { runId, clock, host } = options;

  const fail = (step: StepPlan, message: string): FlowResult =>
    options.afterFailure(
      step,
      stepFailure(step.id, {
        component: step.component,
        attempt: 1,
        cause: { code: INFRASTRUCTURE_ERROR_CODE, message: `step '${step.id}': ${message}` },
      }),
    );

  const started = (step: StepPlan, input: unknown): void =>
    options.note({
      type: 'stepStarted',
      runId,
      at: clock.now(),
      stepId: step.id,
      attempt: 1,
      component: options.componentName(step, input),
      input: redactSecrets(input),
    });

  /** Waits for an answer, the timeout or the run's end (`undefined` for the last two). */
  const waitForAnswer = (
    step: StepPlan,
    question: Parameters<PauseHost['openQuestion']>[0],
  ): Promise<GivenAnswer | 'timeout' | Error | undefined> =>
    new Promise((resolve) => {
      let settled = false;
      let withdraw = (): void => undefined;
      const timer = new AbortController();
      const settle = (outcome: GivenAnswer | 'timeout' | Error | undefined): void => {
        if (settled) return;
        settled = true;
        options.cancelHooks.delete(cancel);
        timer.abort();
        withdraw();
        options.waiting(-1);
        resolve(outcome);
      };
      const cancel = (): void => settle(undefined);
      options.cancelHooks.add(cancel);
      options.waiting(1);
      const deliver = async (given: GivenAnswer): Promise<void> => {
        if (settled) throw new Error(`step '${step.id}' of run ${runId} no longer waits`);
        // The step stops waiting at once: a second answer finds no open question.
        settled = true;
        options.cancelHooks.delete(cancel);
        timer.abort();
        withdraw();
        try {
          await options.persistNow({
            type: 'stepAnswered',
            runId,
            at: given.at,
            stepId: step.id,
            answer: given.answer as never,
            ...(given.by === undefined ? {} : { by: given.by }),
          });
        } catch (error) {
          options.waiting(-1);
          resolve(undefined);
          throw error;
        }
        options.waiting(-1);
        resolve(given);
      };
      host.openQuestion(question, deliver).then(
        (withdrawQuestion) => {
          if (settled) return withdrawQuestion();
          withdraw = withdrawQuestion;
          // Started after the store was asked: an answer recorded before the deadline wins.
          if (question.expiresAt !== undefined)
            clock.sleep(Math.max(0, question.expiresAt - clock.now()), timer.signal).then(
              () => settle('timeout'),
              () => undefined,
            );
        },
        (error: unknown) => settle(error instanceof Error ? error : new Error(String(error))),
      );
    });

  const askHuman = async (step: StepPlan, input: unknown): Promise<FlowResult> => {
    const spec = parseQuestionInput(input);
    if (typeof spec === 'string') return fail(step, spec);
    if (host.refuseQuestions !== undefined) return fail(step, host.refuseQuestions);
    const earlier = options.prior?.get(step.id)?.pause;
    if (earlier?.answered) return { outcome: 'success', result: earlier.answer };
    const askedAt = earlier?.pausedAt ?? clock.now();
    const expiresAt =
      earlier !== undefined
        ? earlier.expiresAt
        : spec.timeoutMs === undefined
          ? undefined
          : askedAt + spec.timeoutMs;
    if (earlier === undefined) {
      started(step, input);
      await options.persistNow({
        type: 'stepPaused',
        runId,
        at: askedAt,
        stepId: step.id,
        kind: 'question',
        prompt: spec.prompt as never,
        ...(spec.schema === undefined ? {} : { schema: spec.schema }),
        ...(expiresAt === undefined ? {} : { expiresAt }),
      });
    }
    const outcome = await waitForAnswer(step, {
      stepId: step.id,
      prompt: earlier?.prompt ?? spec.prompt,
      ...((earlier?.schema ?? spec.schema) === undefined
        ? {}
        : { schema: (earlier?.schema ?? spec.schema)! }),
      askedAt,
      ...(expiresAt === undefined ? {} : { expiresAt }),
    });
    if (outcome === undefined) return SKIPPED;
    if (outcome instanceof Error)
      return fail(step, `the question could not be recorded: ${outcome.message}`);
    if (outcome === 'timeout')
      return fail(step, `no answer within ${expiresAt! - askedAt} ms (timeoutMs)`);
    return { outcome: 'success', result: outcome.answer };
  };

  const sleep = async (step: StepPlan, input: unknown): Promise<FlowResult> => {
    const spec = parseSleepInput(input);
    if (typeof spec === 'string') return fail(step, spec);
    const earlier = options.prior?.get(step.id)?.pause?.wakeAt;
    const wakeAt = earlier ?? ('until' in spec ? spec.until : clock.now() + spec.durationMs);
    if (earlier === undefined) {
      started(step, input);
      await options.persistNow({
        type: 'stepPaused',
        runId,
        at: clock.now(),
        stepId: step.id,
        kind: 'timer',
        wakeAt,
      });
    }
    options.waiting(1);
    const end = host.openTimer(step.id, wakeAt);
    try {
      // Only the rest of the time after a restart: the wake-up time is journaled.
      await clock.sleep(Math.max(0, wakeAt - clock.now()), options.signal);
    } catch {
      return SKIPPED;
    } finally {
      end();
      options.waiting(-1);
    }
    return { outcome: 'success', result: null };
  };

  return (kind, step, input) => (kind === 'ask_human' ? askHuman(step, input) : sleep(step, input));
}

/** What `createRunPauses` needs besides the pause runner's options. */
export interface RunPausesOptions extends Omit<PauseRunnerOptions, 'waiting'> {
  /** Steps of the run in flight (dispatched or waiting). */
  readonly inFlight: () => number;
  /** Whether the run has work besides its steps (results not yet durable, its end). */
  readonly otherWork: () => boolean;
}

/** One run's pausing steps, and its activity as its host needs it. */
export interface RunPauses {
  readonly run: PauseRunner;
  /** Tells the host how busy the run is, when it has (or just had) steps waiting. */
  report(): void;
}

/** Creates the pause runner of a run and the reports of its activity to its host. */
export function createRunPauses(options: RunPausesOptions): RunPauses {
  let waiting = 0;
  let reported = 0;
  const report = (): void => {
    if (waiting === 0 && reported === 0) return;
    const busy = options.inFlight() - waiting + (options.otherWork() ? 1 : 0);
    // A run with no step waiting is never idle: its host then counts it as busy.
    options.host.activity(waiting === 0 ? Math.max(1, busy) : busy, waiting);
    reported = waiting;
  };
  const run = createPauseRunner({
    ...options,
    waiting: (delta) => {
      waiting += delta;
      report();
    },
  });
  return { run, report };
}
