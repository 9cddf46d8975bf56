import type { RunStatus } from '@stepflow/protocol';
import type { RunRecord } from './run-store.ts';

/** A batch's status: runs still to finish, all finished, or cancelled. */
export type BatchStatus = 'running' | 'completed' | 'cancelled';

/** One flow run over many inputs (`flows/submit_batch`, the REST batch API). */
export interface BatchRecord {
  readonly id: string;
  /** Blob id of the flow every run of the batch executes. */
  readonly flowId: string;
  readonly flowName?: string;
  /** Number of runs (inputs). */
  readonly total: number;
  readonly status: BatchStatus;
  /** At most this many runs in flight; absent means no limit. */
  readonly maxConcurrency?: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What `createBatch` needs: the batch and one `{id, input}` per run, in input order. */
export interface NewBatch {
  readonly id: string;
  /** The flow document, or `flowId` of a stored one. */
  readonly flow?: unknown;
  readonly flowId?: string;
  readonly flowName?: string;
  readonly maxConcurrency?: number;
  /** The runs to create; run `i` gets `batchIndex: i`. */
  readonly runs: readonly { readonly id: string; readonly input: unknown }[];
  /** The run (and step) that submitted the batch, when a component did. */
  readonly parentRunId?: string;
  readonly parentStepId?: string;
}

/** Options of `listBatchRuns`. */
export interface ListBatchRunsOptions {
  readonly status?: RunStatus | readonly RunStatus[];
  /** At most this many (default 100, at most 10,000). */
  readonly limit?: number;
  readonly offset?: number;
}

/** Which batches `listBatches` returns: every given field must match, then a page of them. */
export interface ListBatchesOptions {
  /** One status or any of several. */
  readonly status?: BatchStatus | readonly BatchStatus[];
  readonly flowId?: string;
  readonly flowName?: string;
  /** At most this many (default 100, at most 10,000). */
  readonly limit?: number;
  /** Skip this many first (default 0). */
  readonly offset?: number;
  /** By creation: `asc` (default, oldest first) or `desc`. */
  readonly order?: 'asc' | 'desc';
}

/** Batches of runs. Per-status counts come from `countRunsByStatus({ batchId })`. */
export interface BatchStore {
  /** Records the batch and all its runs (status `running`) in one transaction. */
  createBatch(batch: NewBatch): Promise<BatchRecord>;
  /** The batch with this id, or `undefined`. */
  getBatch(batchId: string): Promise<BatchRecord | undefined>;
  /** Batches matching the filter, ordered by creation (ties broken by insertion order). */
  listBatches(options?: ListBatchesOptions): Promise<BatchRecord[]>;
  /** The batch's runs ordered by `batchIndex` (`batch-not-found` for an unknown batch). */
  listBatchRuns(batchId: string, options?: ListBatchRunsOptions): Promise<RunRecord[]>;
  /** Sets a batch's status; returns the updated record. */
  updateBatchStatus(batchId: string, status: BatchStatus): Promise<BatchRecord>;
}
