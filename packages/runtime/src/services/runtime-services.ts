import type { BlobType, StoredBlob } from '@stepflow/blob-store';
import type {
  Flow,
  FlowResult,
  GetBatchResult,
  GetFlowMetadataResult,
  SubmitBatchResult,
} from '@stepflow/protocol';

/** Result of `RuntimeServices.evaluateFlow`: the nested run's outcome and its id. */
export interface EvaluateFlowOutcome {
  /** The nested run's FlowResult (a failed nested flow is a result, not an exception). */
  readonly result: FlowResult;
  /** Id of the nested run. */
  readonly runId: string;
}

/**
 * What a component may call back into the runtime for while it executes; one method per
 * server→runtime protocol method. Failures are thrown as `RuntimeServiceError` carrying the
 * JSON-RPC code a component server should receive (STEPFLOW.md §6.6).
 */
export interface RuntimeServices {
  /** Stores a blob and returns its id (`blobs/put`). A `flow` blob must be a valid flow. */
  putBlob(data: unknown, blobType: BlobType): Promise<string>;
  /** Returns a stored blob (`blobs/get`); unknown ids throw. */
  getBlob(id: string): Promise<StoredBlob>;
  /** Runs a stored flow as a nested run and waits for it (`flows/evaluate`). */
  evaluateFlow(
    flowId: string,
    input: unknown,
    options?: { signal?: AbortSignal },
  ): Promise<EvaluateFlowOutcome>;
  /**
   * Runs a flow given inline (not stored first) as a nested run. Optional: the builtins use it
   * when present (saving a store round trip per item) and fall back to `putBlob` + `evaluateFlow`.
   */
  runFlow?(
    flow: Flow,
    input: unknown,
    options?: { signal?: AbortSignal },
  ): Promise<EvaluateFlowOutcome>;
  /** Returns a stored flow's metadata and, when `stepId` is given, the step's (`flows/get_metadata`). */
  getFlowMetadata(flowId: string, stepId?: string): Promise<GetFlowMetadataResult>;
  /** Starts one nested run per input in the background (`flows/submit_batch`). */
  submitBatch(
    flowId: string,
    inputs: readonly unknown[],
    options?: { maxConcurrency?: number },
  ): Promise<SubmitBatchResult>;
  /** Reports a batch's progress and, optionally, its results (`flows/get_batch`). */
  getBatch(
    batchId: string,
    options?: { wait?: boolean; includeResults?: boolean },
  ): Promise<GetBatchResult>;
}
