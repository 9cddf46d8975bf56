import type {
  BlobType,
  Flow,
  GetBatchResult,
  GetFlowMetadataResult,
  ObservabilityContext,
} from '@stepflow/protocol';

/** A flow to evaluate: a flow document (stored as a `flow` blob first) or the blob id of one. */
export type FlowOrId = Flow | string;

/** Options of {@link ComponentContext.submitBatch} and {@link ComponentContext.evaluateBatch}. */
export interface BatchOptions {
  /** Maximum runs the runtime executes at once (the runtime's default: all of them). */
  readonly maxConcurrency?: number;
}

/** Options of {@link ComponentContext.getBatch}. */
export interface GetBatchOptions {
  /** Wait until no run of the batch is running. */
  readonly wait?: boolean;
  /** Include each run's outputs. */
  readonly includeResults?: boolean;
}

/** Severity of a component's log line. */
export type ComponentLogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Writes one JSON line to the server's log (stderr) carrying the execution's ids: `level`, `msg`,
 * `component`, `run_id`, `flow_id`, `step_id`, `trace_id`, `span_id`, `attempt` and the given
 * `fields` (nested under `fields`). The Stepflow runtime reads these lines from a stdio server's
 * stderr and logs them as records of that step. Calling it logs at `info`.
 *
 * @example
 * context.log('fetched', { rows: 12 });
 * context.log.warn('slow answer', { ms: 950 });
 */
export interface ComponentLog {
  (message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * What a component handler may know and do besides computing its output.
 *
 * Every callback is a request to the runtime over the same connection and carries the
 * `observability` context of the execute request, so the runtime parents its work on this step.
 * Callbacks reject with `RuntimeRequestError` when the runtime answers with an error.
 */
export interface ComponentContext {
  /** The component being executed (post-routing name, e.g. `/udf`). */
  readonly component: string;
  /** The id of the step being executed, when the runtime sent one. */
  readonly stepId: string | undefined;
  /** The id of the run, when the runtime sent one. */
  readonly runId: string | undefined;
  /** The blob id of the flow being run, when the runtime sent one. */
  readonly flowId: string | undefined;
  /** The attempt number, starting at 1 (higher on retries). */
  readonly attempt: number;
  /** The observability context of the execute request, as received. */
  readonly observability: ObservabilityContext;
  /**
   * Aborted when the execution should stop: its time limit passed, the server is shutting down
   * or the connection closed. Pass it to anything cancellable.
   */
  readonly signal: AbortSignal;
  /** Writes a JSON log line with this execution's ids to stderr (never stdout). */
  readonly log: ComponentLog;
  /** Stores a JSON value in the runtime's blob store and returns its id. */
  putBlob(data: unknown, blobType?: BlobType): Promise<string>;
  /** Reads a blob's data from the runtime's blob store. */
  getBlob<T = unknown>(blobId: string): Promise<T>;
  /**
   * Runs a flow to completion and returns its result value.
   *
   * @throws FlowSkippedError when the flow was skipped.
   * @throws FlowFailedError (code, message, data of the flow's error) when it failed.
   */
  evaluateFlow<T = unknown>(flow: FlowOrId, input: unknown): Promise<T>;
  /** Returns the flow's `metadata` and (for the current step unless another is named) the step's. */
  getMetadata(stepId?: string): Promise<GetFlowMetadataResult>;
  /** Starts one run per input in the background and returns the batch id. */
  submitBatch(flow: FlowOrId, inputs: readonly unknown[], options?: BatchOptions): Promise<string>;
  /** Returns a batch's details and, with `includeResults`, its per-run outputs. */
  getBatch(batchId: string, options?: GetBatchOptions): Promise<GetBatchResult>;
  /**
   * Runs a flow over many inputs and returns the result values in input order.
   *
   * @throws FlowFailedError / FlowSkippedError for the first run (by index) that did not succeed.
   */
  evaluateBatch<T = unknown>(
    flow: FlowOrId,
    inputs: readonly unknown[],
    options?: BatchOptions,
  ): Promise<T[]>;
}
