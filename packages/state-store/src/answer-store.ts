/** A question put to a human by a paused step (`/builtin/ask_human`), and its answer. */
export interface PendingAnswer {
  readonly runId: string;
  readonly stepId: string;
  /** What the human is shown: any JSON (a sentence, a summary object, drafts to pick from). */
  readonly prompt: unknown;
  /** JSON Schema the answer should satisfy (checked by the engine, not the store). */
  readonly schema?: Record<string, unknown>;
  /** Whether an answer was recorded (`answer` itself may be `null`). */
  readonly answered: boolean;
  readonly answer?: unknown;
  /** Who answered (a user name, a token's subject), as the caller reported it. */
  readonly answeredBy?: string;
  readonly createdAt: number;
  readonly answeredAt?: number;
  /** When the question times out, if it does. */
  readonly expiresAt?: number;
}

/** What `createPendingAnswer` needs. */
export interface NewPendingAnswer {
  readonly runId: string;
  readonly stepId: string;
  /** Any JSON value (`null` included). */
  readonly prompt: unknown;
  readonly schema?: Record<string, unknown>;
  readonly expiresAt?: number;
}

/** Options of `listPendingAnswers`. */
export interface ListPendingAnswersOptions {
  readonly runId?: string;
  /** Only answered (`true`) or only open (`false`) questions. */
  readonly answered?: boolean;
  /** At most this many (default 100, at most 10,000). */
  readonly limit?: number;
  readonly offset?: number;
}

/** The outcome of `submitAnswer`. */
export interface SubmitAnswerResult {
  /** Whether this answer was recorded (`false`: someone answered first). */
  readonly accepted: boolean;
  /** The record as stored, with the winning answer. */
  readonly record: PendingAnswer;
}

/**
 * Questions to humans, keyed by (run id, step id). Creating one is idempotent, so a step replayed
 * after a crash finds its question (and any answer) again; answering is first-writer-wins, so two
 * operators answering at once cannot both resume the run.
 */
export interface AnswerStore {
  /** Records a question, or returns the existing one for the same run and step unchanged. */
  createPendingAnswer(request: NewPendingAnswer): Promise<PendingAnswer>;
  /** The question of this run and step, or `undefined`. */
  getPendingAnswer(runId: string, stepId: string): Promise<PendingAnswer | undefined>;
  /** Questions ordered by creation. */
  listPendingAnswers(options?: ListPendingAnswersOptions): Promise<PendingAnswer[]>;
  /** Records `answer` unless one is already recorded (`answer-not-found` if nobody asked). */
  submitAnswer(
    runId: string,
    stepId: string,
    answer: unknown,
    answeredBy?: string,
  ): Promise<SubmitAnswerResult>;
}
