/** A question a paused `/builtin/ask_human` step waits on. */
export interface OpenQuestion {
  /** The run whose step asks (a nested run's own id for questions inside `map`, `eval`, …). */
  readonly runId: string;
  /** The top-level run it belongs to (equal to `runId` for a top-level run's own steps). */
  readonly rootRunId: string;
  readonly stepId: string;
  /** What the person is shown (any JSON). */
  readonly prompt: unknown;
  /** JSON Schema the answer must satisfy; any JSON value is accepted without one. */
  readonly schema?: Record<string, unknown>;
  /** Clock time the question was asked (ms since the epoch). */
  readonly askedAt: number;
  /** Clock time after which the question fails its step, when it has a timeout. */
  readonly expiresAt?: number;
}

/** Options of `Runtime.answer`. */
export interface AnswerOptions {
  /** Who answers (a token's name, a user name): journaled with the answer as its audit record. */
  readonly by?: string;
}

/** What `Runtime.answer` recorded. */
export interface AnswerReceipt {
  readonly runId: string;
  readonly stepId: string;
  readonly answer: unknown;
  readonly by?: string;
  /** Clock time of the answer. */
  readonly at: number;
  /**
   * Whether the run executes in this runtime and went on with the answer (`false`: the answer is
   * in the store, and the run takes it when it is resumed).
   */
  readonly delivered: boolean;
}

/** Options of `Runtime.questions`. */
export interface ListQuestionsOptions {
  /** Only the questions of this run and of the runs nested in it. */
  readonly runId?: string;
}
