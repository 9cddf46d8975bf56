import type { AnswerStore } from '@stepflow/state-store';
import type { Clock } from '../clock.ts';
import type { RunJournalStore } from '../journal/run-journal-store.ts';
import type { Logger } from '../logger.ts';
import type { OpenQuestion } from '../pauses/open-question.ts';
import type { AskedQuestion, DeliverAnswer, PauseHost } from '../scheduler/pause-host.ts';

/** A question a live run waits on, with the way to hand it its answer. */
export interface LiveQuestion extends OpenQuestion {
  readonly deliver: DeliverAnswer;
  /** Set by the first answer accepted: a second one is refused. */
  claimed: boolean;
}

/** One executing run in a tree of runs (a top-level run and the runs nested in its steps). */
interface RunNode {
  readonly runId: string;
  readonly parent?: RunNode;
  readonly parentStepId?: string;
  readonly root: RunNode;
  busy: number;
  pauses: number;
  readonly children: Set<RunNode>;
  /** Steps of this run waiting on nested runs, with how many are live. */
  readonly delegating: Map<string, number>;
  readonly timers: Map<string, number>;
  /** Root only: whether the tree was last found paused, and what to tell when it is. */
  paused: boolean;
  scheduled: boolean;
  released: boolean;
  onPaused?: (questions: readonly OpenQuestion[]) => void;
  /** Root only: status writes, in order. */
  writes: Promise<void>;
}

/** What a run registers with. */
export interface TrackedRun {
  readonly runId: string;
  readonly parentRunId?: string;
  readonly parentStepId?: string;
  /** Top-level runs: called whenever the tree has nothing to do but wait on open questions or timers. */
  readonly onPaused?: (questions: readonly OpenQuestion[]) => void;
}

/** What the tracker works with. */
export interface PauseTrackerOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly journal?: RunJournalStore;
  /** Durable questions (a state store): found again after a restart, answerable from elsewhere. */
  readonly answers?: AnswerStore;
  readonly refuseQuestions?: string;
}

/** The open questions and timers of every live run, and which run trees are paused. */
export interface PauseTracker {
  /** Registers an executing run; `release` when it ended. */
  register(run: TrackedRun): { readonly host: PauseHost; release(): void };
  /** The live question of a run's step. */
  question(runId: string, stepId: string): LiveQuestion | undefined;
  /** Every live question. */
  questions(): LiveQuestion[];
}

const keyOf = (runId: string, stepId: string): string => `${runId}\u0000${stepId}`;

/** A live question as callers see it: plain data, without the engine's handles. */
export function openQuestionOf(question: LiveQuestion): OpenQuestion {
  const { runId, rootRunId, stepId, prompt, schema, askedAt, expiresAt } = question;
  return {
    runId,
    rootRunId,
    stepId,
    prompt,
    ...(schema === undefined ? {} : { schema }),
    askedAt,
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

/** Creates the pause tracker of a runtime. */
export function createPauseTracker(options: PauseTrackerOptions): PauseTracker {
  const nodes = new Map<string, RunNode>();
  const live = new Map<string, LiveQuestion>();

  const treeOf = (root: RunNode): RunNode[] => {
    const all: RunNode[] = [];
    const stack = [root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      all.push(node);
      for (const child of node.children) stack.push(child);
    }
    return all;
  };

  /** The tree is paused when no run in it has work but waiting, and something waits. */
  const evaluate = (root: RunNode): void => {
    root.scheduled = false;
    if (root.released) return;
    const tree = treeOf(root);
    let busy = 0;
    let pauses = 0;
    let wakeAt = Number.POSITIVE_INFINITY;
    for (const node of tree) {
      let delegating = 0;
      for (const count of node.delegating.values()) if (count > 0) delegating++;
      busy += Math.max(0, node.busy - delegating);
      pauses += node.pauses;
      for (const at of node.timers.values()) wakeAt = Math.min(wakeAt, at);
    }
    const paused = busy === 0 && pauses > 0;
    if (paused === root.paused) return;
    root.paused = paused;
    const markPaused = options.journal?.markPaused?.bind(options.journal);
    root.writes = root.writes.then(async () => {
      if (markPaused)
        for (const node of tree)
          await markPaused(node.runId, paused, Number.isFinite(wakeAt) ? wakeAt : undefined);
      if (paused && root.paused && !root.released && root.onPaused) {
        const questions = [...live.values()]
          .filter((q) => q.rootRunId === root.runId && !q.claimed)
          .map(openQuestionOf);
        root.onPaused(questions);
      }
    });
    root.writes = root.writes.catch((error: unknown) =>
      options.logger.warn('could not record a paused run', {
        run_id: root.runId,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  };

  const schedule = (node: RunNode): void => {
    const root = node.root;
    if (root.scheduled) return;
    root.scheduled = true;
    // Checked once the current burst of work settled, not at every step.
    setImmediate(() => evaluate(root));
  };

  const hostFor = (node: RunNode): PauseHost => ({
    ...(options.refuseQuestions === undefined ? {} : { refuseQuestions: options.refuseQuestions }),
    async openQuestion(asked: AskedQuestion, deliver: DeliverAnswer) {
      const key = keyOf(node.runId, asked.stepId);
      const question: LiveQuestion = {
        runId: node.runId,
        rootRunId: node.root.runId,
        stepId: asked.stepId,
        prompt: asked.prompt,
        ...(asked.schema === undefined ? {} : { schema: asked.schema }),
        askedAt: asked.askedAt,
        ...(asked.expiresAt === undefined ? {} : { expiresAt: asked.expiresAt }),
        deliver,
        claimed: false,
      };
      live.set(key, question);
      const withdraw = (): void => {
        if (live.get(key) === question) live.delete(key);
      };
      if (options.answers) {
        const record = await options.answers.createPendingAnswer({
          runId: node.runId,
          stepId: asked.stepId,
          prompt: asked.prompt,
          ...(asked.schema === undefined ? {} : { schema: asked.schema }),
          ...(asked.expiresAt === undefined ? {} : { expiresAt: asked.expiresAt }),
        });
        // Answered while the run was not executing (another process, `stepflow runs answer`).
        if (record.answered && !question.claimed) {
          question.claimed = true;
          void deliver({
            answer: record.answer ?? null,
            ...(record.answeredBy === undefined ? {} : { by: record.answeredBy }),
            at: record.answeredAt ?? options.clock.now(),
          }).catch(() => undefined);
        }
      }
      return withdraw;
    },
    openTimer(stepId, wakeAt) {
      node.timers.set(stepId, wakeAt);
      return () => node.timers.delete(stepId);
    },
    activity(busy, pauses) {
      node.busy = busy;
      node.pauses = pauses;
      schedule(node);
    },
  });

  return {
    register(run) {
      const parent = run.parentRunId === undefined ? undefined : nodes.get(run.parentRunId);
      const partial = {
        runId: run.runId,
        ...(parent === undefined ? {} : { parent, parentStepId: run.parentStepId ?? '' }),
        // Busy until the run reports otherwise: a starting run has work to do.
        busy: 1,
        pauses: 0,
        children: new Set<RunNode>(),
        delegating: new Map<string, number>(),
        timers: new Map<string, number>(),
        paused: false,
        scheduled: false,
        released: false,
        ...(run.onPaused === undefined ? {} : { onPaused: run.onPaused }),
        writes: Promise.resolve(),
      };
      const node = partial as RunNode;
      (node as { root: RunNode }).root = parent?.root ?? node;
      nodes.set(run.runId, node);
      if (parent !== undefined) {
        parent.children.add(node);
        const step = node.parentStepId!;
        parent.delegating.set(step, (parent.delegating.get(step) ?? 0) + 1);
      }
      return {
        host: hostFor(node),
        release() {
          node.released = true;
          if (nodes.get(run.runId) === node) nodes.delete(run.runId);
          if (parent === undefined) return;
          parent.children.delete(node);
          const step = node.parentStepId!;
          const left = (parent.delegating.get(step) ?? 1) - 1;
          if (left > 0) parent.delegating.set(step, left);
          else parent.delegating.delete(step);
          schedule(parent);
        },
      };
    },
    question: (runId, stepId) => live.get(keyOf(runId, stepId)),
    questions: () => [...live.values()],
  };
}
