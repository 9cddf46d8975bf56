import type { FlowResult, RunStatus } from '@stepflow/protocol';

/** A run as the store keeps it: what the visibility API (list, filter, count) works on. */
export interface RunRecord {
  /** The id the caller was given; never reassigned. */
  readonly id: string;
  /** Blob id of the flow (flows are stored content-addressed, once for any number of runs). */
  readonly flowId: string;
  /** The flow's `name`, when it has one (for filtering). */
  readonly flowName?: string;
  /** The flow input. */
  readonly input: unknown;
  readonly status: RunStatus;
  /** The run (and step) that started this one, for nested runs. */
  readonly parentRunId?: string;
  readonly parentStepId?: string;
  /** The batch this run belongs to and its input's index in it. */
  readonly batchId?: string;
  readonly batchIndex?: number;
  /** Store clock times (ms since the epoch). */
  readonly createdAt: number;
  readonly updatedAt: number;
  /** When the run reached a final status. */
  readonly completedAt?: number;
  /** When a paused run wants to be woken (a `sleep`, an answer's timeout). */
  readonly wakeAt?: number;
  /** The run's result (failures included), once recorded. */
  readonly result?: FlowResult;
  /** Sequence number of the run's last journal entry; 0 before the first. */
  readonly lastSeq: number;
  /**
   * Who holds the run's live lease (which runtime executes it) as of the read; absent when the
   * run is free or its lease lapsed.
   */
  readonly leaseOwner?: string;
}

/** What `createRun` needs. Give either `flow` (stored as a `flow` blob) or `flowId`. */
export interface NewRun {
  readonly id: string;
  /** The flow document; stored content-addressed, so identical flows are kept once. */
  readonly flow?: unknown;
  /** Blob id of a flow already in the store. */
  readonly flowId?: string;
  /** Defaults to the flow's `name`. */
  readonly flowName?: string;
  readonly input: unknown;
  /** Defaults to `running`. */
  readonly status?: 'running' | 'paused';
  readonly parentRunId?: string;
  readonly parentStepId?: string;
}

/** Which runs to list or count; every given field must match. */
export interface RunFilter {
  /** One status or any of several. */
  readonly status?: RunStatus | readonly RunStatus[];
  readonly flowId?: string;
  readonly flowName?: string;
  readonly parentRunId?: string;
  readonly batchId?: string;
  /** Only runs with a `wakeAt` at or before this time (timers that are due). */
  readonly wakeAtOrBefore?: number;
}

/** A page of runs: filter plus ordering by creation (ties broken by insertion order). */
export interface ListRunsOptions extends RunFilter {
  /** At most this many (default 100, at most 10,000). */
  readonly limit?: number;
  /** Skip this many first (default 0). */
  readonly offset?: number;
  /** `asc` (default, oldest first) or `desc`. */
  readonly order?: 'asc' | 'desc';
}

/** Options of `updateRunStatus`. */
export interface RunStatusOptions {
  /** The run's result, recorded with a final status. */
  readonly result?: FlowResult;
  /** Set (a number) or clear (`null`) the wake-up time; left as is when absent. */
  readonly wakeAt?: number | null;
  /** Fail with `status-conflict` unless the run currently has one of these statuses. */
  readonly expectedStatus?: RunStatus | readonly RunStatus[];
}

/**
 * The run records: creation, lookup, the visibility queries and status changes.
 *
 * A run never leaves a final status (`completed`, `failed`, `cancelled`): such a change fails with
 * `status-conflict`, so a stale worker cannot overwrite a recorded outcome. Reaching a final
 * status sets `completedAt`, clears `wakeAt` and releases the run's lease.
 */
export interface RunStore {
  /** Records a new run; `run-exists` if the id is taken, `flow-not-found` for an unknown `flowId`. */
  createRun(run: NewRun): Promise<RunRecord>;
  /** The run with this id, or `undefined`. */
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Runs matching the filter, ordered by creation. */
  listRuns(options?: ListRunsOptions): Promise<RunRecord[]>;
  /** How many runs match the filter. */
  countRuns(filter?: RunFilter): Promise<number>;
  /** How many runs match the filter, per status (every status present, zeros included). */
  countRunsByStatus(filter?: RunFilter): Promise<Record<RunStatus, number>>;
  /**
   * Changes a run's status (see the interface notes); returns the updated record. A change back
   * to `running` (a resume) notifies watchers with a `work` notice.
   */
  updateRunStatus(runId: string, status: RunStatus, options?: RunStatusOptions): Promise<RunRecord>;
  /**
   * Deletes a finished run with its journal, its questions to humans and its lease, in one
   * transaction; the flow blob stays (other runs may share it). Nested runs started by the run's
   * steps (`parentRunId`, at any depth) are part of it and go with it. Refused with
   * `status-conflict` while the run or one of those nested runs is not in a final status, or
   * while a batch it belongs to is still `running` (the batch's counts and outputs would change
   * under it); `run-not-found` for an unknown run. The batch record itself stays. Resolves with
   * the ids of the deleted runs, `runId` first.
   */
  deleteRun(runId: string): Promise<string[]>;
}
