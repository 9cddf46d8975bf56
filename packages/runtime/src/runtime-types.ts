import type { BlobStore } from '@stepflow/blob-store';
import type { FlowResult, StepflowConfig, TypedFlow } from '@stepflow/protocol';
import type { Clock, IdGenerator, RandomSource } from './clock.ts';
import type { Logger } from './logger.ts';
import type { StateStore } from '@stepflow/state-store';
import type { RunJournalStore } from './journal/run-journal-store.ts';
import type { ListedComponent, PluginFactory } from './plugins/plugin.ts';
import type { RunEvent } from './scheduler/run-event.ts';
import type { StepGate } from './scheduler/step-gate.ts';
import type {
  AnswerOptions,
  AnswerReceipt,
  ListQuestionsOptions,
  OpenQuestion,
} from './pauses/open-question.ts';

/** How to build a runtime. Only `config` and `workingDirectory` are required. */
export interface RuntimeOptions {
  /** The (normalised) configuration: plugins and routes. See `loadConfig`. */
  readonly config: StepflowConfig;
  /** Base directory for `load_file` and plugin processes (§4.6). */
  readonly workingDirectory: string;
  /** Where blobs and flows are stored; defaults to a fresh memory store. */
  readonly blobStore?: BlobStore;
  /** Plugin factories by plugin `type`, added to (and overriding) the built-in `builtin` and `mock`. */
  readonly pluginFactories?: Readonly<Record<string, PluginFactory>>;
  /** Time source for event timestamps, backoff and timeouts; defaults to the system clock. */
  readonly clock?: Clock;
  /** Run and batch id generator; defaults to `crypto.randomUUID`. */
  readonly ids?: IdGenerator;
  /** Randomness for retry jitter; defaults to `Math.random`. */
  readonly random?: RandomSource;
  /** Logger for the runtime and plugins; defaults to a silent one. */
  readonly logger?: Logger;
  /** Maximum nesting of runs (`eval`, `map`, `iterate`, `flows/evaluate`); default 32. */
  readonly maxDepth?: number;
  /**
   * `false`: this runtime records no spans and no metrics even when the process registered
   * OpenTelemetry providers (steps still get W3C trace ids for log correlation). Default `true`:
   * spans and metrics go to the registered providers, and cost next to nothing when there are none.
   */
  readonly telemetry?: boolean;
  /**
   * Largest blob (bytes of its compact JSON text) that `put_blob` and `blobs/put` may store;
   * default 32 MiB (`DEFAULT_MAX_BLOB_BYTES`, the protocol's message limit).
   */
  readonly maxBlobBytes?: number;
  /** Receives the events of every run, nested runs included (`runStarted.parentRunId` links them). */
  readonly onEvent?: (event: RunEvent) => void;
  /**
   * Makes runs durable: every run's events go to this journal (group-committed), a step's result
   * is recorded before its dependents start and the run's before it is reported, nested runs are
   * journaled as child runs of their step, and `run` with the id of a recorded run returns its
   * result (finished) or resumes it (unfinished) without executing recorded steps again. Pass
   * the same store as `blobStore` so flows and blobs outlive the process too.
   */
  readonly journal?: RunJournalStore;
  /**
   * A durable state store (`@stepflow/state-store`, `@stepflow/store-sqlite`,
   * `@stepflow/store-postgres`): the default for both `blobStore` and `journal`, so runs, their
   * journals, flows and blobs all live in it. The caller opens and closes it.
   */
  readonly stateStore?: StateStore;
  /**
   * For a runtime nobody can answer (no store, no terminal): `/builtin/ask_human` steps fail at
   * once with this message instead of waiting forever.
   */
  readonly refuseQuestions?: string;
}

/**
 * One run to execute. With a typed flow (e.g. from the server SDK's flow builder), `input` must
 * have the flow's input type and the outcome's result has its output type.
 */
export interface RunRequest<Input = unknown, Output = unknown> {
  /** The flow (normalised: camelCase keys). */
  readonly flow: TypedFlow<Input, Output>;
  /** The flow input (its type comes from the flow, not from this value). */
  readonly input: NoInfer<Input>;
  /**
   * Run id to use; a fresh one is generated when absent. With a durable journal, the id of a
   * recorded run returns its result (finished) or resumes it (unfinished).
   */
  readonly runId?: string;
  /** Cancels the run: no new steps start and in-flight executions are aborted. */
  readonly signal?: AbortSignal;
  /** Receives every event of the run as it happens (record it to journal the run). */
  readonly onEvent?: (event: RunEvent) => void;
  /**
   * Enforce the flow's schemas (default true): `input` against `inputSchema` before the run, and
   * step outputs, component outputs and the flow output against their output schemas as they
   * are produced. Nested runs inherit it. Inputs nested deeper than `MAX_VALUE_DEPTH` are refused
   * either way.
   */
  readonly validateInput?: boolean;
  /**
   * Events recorded from an earlier attempt at this run: steps with a `stepCompleted` event keep
   * that result and are not executed again (resume).
   */
  readonly resumeFrom?: readonly RunEvent[];
  /**
   * Consulted before each step of the run starts: a promise holds the step until it resolves
   * (a debugger stepping through the run). Nested runs are not gated.
   */
  readonly stepGate?: StepGate;
  /**
   * Called whenever the run (with the runs nested in it) has nothing left to do but wait for
   * answers or timers, with the questions open then (none when only timers wait). With a durable
   * store the run is `paused` in it by then; `close` the runtime to leave it for later.
   */
  readonly onPaused?: (questions: readonly OpenQuestion[]) => void;
}

/** What a finished run produced; `Output` is the type of a successful result (a typed flow's). */
export interface RunOutcome<Output = unknown> {
  /** The run's id. */
  readonly runId: string;
  /** Blob id of the flow that ran. */
  readonly flowId: string;
  /** The flow's result (`success`, `skipped` or `failed`). */
  readonly result: FlowResult<Output>;
}

/** A configured engine: runs flows through its plugins. */
export interface Runtime {
  /**
   * Runs a flow to completion. Throws `FlowValidationError` (fatal diagnostics) or
   * `InputValidationError` before anything runs; every other failure is inside the result.
   */
  run<Input = unknown, Output = unknown>(
    request: RunRequest<Input, Output>,
  ): Promise<RunOutcome<Output>>;
  /**
   * Answers the question a paused `/builtin/ask_human` step asks: checks the answer against the
   * question's schema (`AnswerError` `invalid-answer` naming every violation), records it once
   * (`already-answered` for a second answer) with who gave it, and hands it to the run when it
   * executes in this runtime; otherwise (a durable store) the run takes it when resumed.
   */
  answer(
    runId: string,
    stepId: string,
    answer: unknown,
    options?: AnswerOptions,
  ): Promise<AnswerReceipt>;
  /** The open questions: of this runtime's runs, or every one in its state store. */
  questions(options?: ListQuestionsOptions): Promise<OpenQuestion[]>;
  /** Lists the components of every plugin. */
  listComponents(): Promise<ListedComponent[]>;
  /** Stops every plugin and aborts running work. */
  close(): Promise<void>;
}
