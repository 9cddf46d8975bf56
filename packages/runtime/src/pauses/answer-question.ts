import type { StateStore } from '@stepflow/state-store';
import { StateStoreError } from '@stepflow/state-store';
import type { Clock } from '../clock.ts';
import { openQuestionOf, type PauseTracker } from '../engine/pause-tracker.ts';
import { AnswerError } from '../errors/answer-error.ts';
import type { InputViolation } from '../errors/input-validation-error.ts';
import { compileJsonSchema } from '../internal/json-schema.ts';
import { exceedsValueDepth, MAX_VALUE_DEPTH } from '../internal/value-depth.ts';
import { foldRunEvents } from '../run-state/reduce-run-event.ts';
import { formatViolations, schemaViolations } from '../validation/schema-violations.ts';
import type { AnswerOptions, AnswerReceipt, OpenQuestion } from './open-question.ts';

/** What answering works with. */
export interface AnswerDeps {
  readonly clock: Clock;
  readonly tracker: PauseTracker;
  /** The durable store, when the runtime has one. */
  readonly store?: StateStore;
}

/** The question of a run's step that is not executing here: from the store, checked against the journal. */
async function storedQuestion(
  store: StateStore,
  runId: string,
  stepId: string,
): Promise<OpenQuestion | undefined> {
  const record = await store.getPendingAnswer(runId, stepId);
  if (record === undefined) return undefined;
  if (record.answered)
    throw new AnswerError(
      'already-answered',
      `Step ${stepId} of run ${runId} was answered already${record.answeredBy === undefined ? '' : ` by ${record.answeredBy}`}`,
    );
  const state = foldRunEvents((await store.readEvents(runId)).map((entry) => entry.event));
  if (state?.result !== undefined || state?.steps.get(stepId)?.result !== undefined)
    throw new AnswerError('closed', `Step ${stepId} of run ${runId} no longer waits for an answer`);
  return {
    runId,
    rootRunId: runId,
    stepId,
    prompt: record.prompt,
    ...(record.schema === undefined ? {} : { schema: record.schema }),
    askedAt: record.createdAt,
    ...(record.expiresAt === undefined ? {} : { expiresAt: record.expiresAt }),
  };
}

/** Every way `answer` breaks the question's schema (none without a schema). */
function violationsOf(question: OpenQuestion, answer: unknown): InputViolation[] {
  if (answer === undefined) return [{ path: '', message: 'an answer is required' }];
  if (exceedsValueDepth(answer))
    return [{ path: '', message: `is nested deeper than ${MAX_VALUE_DEPTH} levels` }];
  if (question.schema === undefined) return [];
  const { validate, problem } = compileJsonSchema(question.schema);
  if (validate === undefined) return [{ path: '', message: `the question's ${problem}` }];
  return validate(answer) ? [] : schemaViolations(validate.errors);
}

/** Records the first valid answer to an open question and hands it to the run if it executes here. */
export async function answerQuestion(
  deps: AnswerDeps,
  runId: string,
  stepId: string,
  answer: unknown,
  options: AnswerOptions = {},
): Promise<AnswerReceipt> {
  const live = deps.tracker.question(runId, stepId);
  const question =
    live ?? (deps.store ? await storedQuestion(deps.store, runId, stepId) : undefined);
  if (question === undefined)
    throw new AnswerError('no-question', `Run ${runId} has no question at step ${stepId}`);
  const at = deps.clock.now();
  if (question.expiresAt !== undefined && at > question.expiresAt)
    throw new AnswerError('closed', `The question of step ${stepId} of run ${runId} timed out`);
  const violations = violationsOf(question, answer);
  if (violations.length > 0)
    throw new AnswerError(
      'invalid-answer',
      `The answer to step ${stepId} of run ${runId} does not match its schema: ${formatViolations(violations, '(answer)')}`,
      violations,
    );
  const taken = (): AnswerError =>
    new AnswerError('already-answered', `Step ${stepId} of run ${runId} was answered already`);
  if (live !== undefined) {
    if (live.claimed) throw taken();
    live.claimed = true;
  }
  if (deps.store) {
    let result;
    try {
      result = await deps.store.submitAnswer(runId, stepId, answer, options.by);
    } catch (error) {
      if (!StateStoreError.isInstance(error, 'answer-not-found')) {
        // Nothing was recorded: the question stays open for another try.
        if (live !== undefined) live.claimed = false;
        throw error;
      }
      // The run paused but died before its question reached the store.
      await deps.store.createPendingAnswer({
        runId,
        stepId,
        prompt: question.prompt,
        ...(question.schema === undefined ? {} : { schema: question.schema }),
        ...(question.expiresAt === undefined ? {} : { expiresAt: question.expiresAt }),
      });
      result = await deps.store.submitAnswer(runId, stepId, answer, options.by);
    }
    if (!result.accepted) throw taken();
  }
  const receipt = {
    runId,
    stepId,
    answer,
    ...(options.by === undefined ? {} : { by: options.by }),
    at,
  };
  if (live === undefined) return { ...receipt, delivered: false };
  try {
    await live.deliver(receipt);
    return { ...receipt, delivered: true };
  } catch {
    // The step stopped waiting meanwhile (its run was suspended): the store has the answer.
    return { ...receipt, delivered: false };
  }
}

/** The top-level run of `runId` (walks the parents recorded in the store). */
async function rootOf(
  store: StateStore,
  runId: string,
  cache: Map<string, string>,
): Promise<string> {
  let current = runId;
  const seen: string[] = [];
  for (let depth = 0; depth < 64; depth++) {
    const known = cache.get(current);
    if (known !== undefined) {
      current = known;
      break;
    }
    seen.push(current);
    const parent = (await store.getRun(current))?.parentRunId;
    if (parent === undefined) break;
    current = parent;
  }
  for (const id of seen) cache.set(id, current);
  return current;
}

/** Open questions (of one run tree when `runId` is given), oldest first. */
export async function listQuestions(deps: AnswerDeps, runId?: string): Promise<OpenQuestion[]> {
  const now = deps.clock.now();
  const open = (q: OpenQuestion): boolean => q.expiresAt === undefined || q.expiresAt >= now;
  if (!deps.store)
    return deps.tracker
      .questions()
      .filter(
        (q) =>
          !q.claimed &&
          open(q) &&
          (runId === undefined || q.rootRunId === runId || q.runId === runId),
      )
      .map(openQuestionOf);
  const store = deps.store;
  const roots = new Map<string, string>();
  const listed: OpenQuestion[] = [];
  for (const record of await store.listPendingAnswers({ answered: false, limit: 10_000 })) {
    const run = await store.getRun(record.runId);
    if (
      run === undefined ||
      run.status === 'completed' ||
      run.status === 'failed' ||
      run.status === 'cancelled'
    )
      continue;
    const rootRunId = await rootOf(store, record.runId, roots);
    if (runId !== undefined && runId !== record.runId && runId !== rootRunId) continue;
    const question: OpenQuestion = {
      runId: record.runId,
      rootRunId,
      stepId: record.stepId,
      prompt: record.prompt,
      ...(record.schema === undefined ? {} : { schema: record.schema }),
      askedAt: record.createdAt,
      ...(record.expiresAt === undefined ? {} : { expiresAt: record.expiresAt }),
    };
    if (open(question)) listed.push(question);
  }
  return listed;
}
