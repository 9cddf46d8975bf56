/** An answer on its way to a waiting `ask_human` step. */
export interface GivenAnswer {
  readonly answer: unknown;
  readonly by?: string;
  /** Clock time of the answer. */
  readonly at: number;
}

/** An open question as a run hands it to its host. */
export interface AskedQuestion {
  readonly stepId: string;
  readonly prompt: unknown;
  readonly schema?: Record<string, unknown>;
  readonly askedAt: number;
  readonly expiresAt?: number;
}

/**
 * Takes a delivered answer: journals it, then resolves; it rejects when the step no longer
 * waits (it timed out or its run stopped), and the answer then goes nowhere.
 */
export type DeliverAnswer = (answer: GivenAnswer) => Promise<void>;

/**
 * Where one run's pausing steps (`ask_human`, `sleep`) wait: the runtime keeps the open questions
 * so `answer` can reach them, and follows every run's activity to tell when a run tree has
 * nothing left to do but wait.
 */
export interface PauseHost {
  /** When set, this runtime cannot wait for a person: `ask_human` fails at once with it. */
  readonly refuseQuestions?: string;
  /**
   * Opens a question. `deliver` may be called before the returned promise settles (an answer
   * recorded while the run was not executing). Resolves with the function that withdraws it.
   */
  openQuestion(question: AskedQuestion, deliver: DeliverAnswer): Promise<() => void>;
  /** A timer waits until `wakeAt`; returns the function that ends it. */
  openTimer(stepId: string, wakeAt: number): () => void;
  /**
   * The run's activity: `busy` steps are doing work (or the run is between steps) and `pauses`
   * steps wait on a person or a timer.
   */
  activity(busy: number, pauses: number): void;
}
