import type { RunStatus } from '@stepflow/protocol';
import type { RunRecord } from './run-store.ts';

/** A process's claim on a run: only the owner executes it until `expiresAt`. */
export interface Lease {
  readonly runId: string;
  /** Who holds it (a worker id). */
  readonly owner: string;
  readonly acquiredAt: number;
  /** Store clock time at which the lease lapses; it is live while `now < expiresAt`. */
  readonly expiresAt: number;
  /**
   * The fencing token: a per-run counter that increases by one every time the lease is taken
   * (by `acquireLease` or `claimRuns`) while it was free, lapsed, released or another owner's; a
   * renewal of a live lease by its owner keeps it. Kept with the run, so it survives a release.
   * A writer passes it as `JournalAppend.fence` so it cannot write once another took the run.
   */
  readonly epoch: number;
}

/** Options of `listUnleasedRuns` and `claimRuns`. */
export interface UnleasedRunsOptions {
  /** Runs with these statuses (default `running`). */
  readonly status?: RunStatus | readonly RunStatus[];
  /** At most this many (default 100, at most 10,000). */
  readonly limit?: number;
}

/**
 * Why a runtime is told to look at the store again (`StateStore.watch`).
 *
 * - `work`: there may be runnable work: a run or batch was created, a lease was released, a run
 *   went back to `running`, or the listener's connection was re-established (notices may have
 *   been missed). Lapsed leases send nothing: claimers still poll now and then.
 * - `events`: the run's journal grew (or its status changed) up to `lastSeq`.
 */
export type StoreNotice =
  | { readonly type: 'work' }
  | { readonly type: 'events'; readonly runId: string; readonly lastSeq: number };

/** A registration made by `StateStore.watch`. */
export interface StoreWatch {
  /** Stops the notices to this listener. Idempotent. */
  close(): Promise<void>;
}

/**
 * Leases for scale-out: several processes share a store, and each run is executed by whoever
 * holds its live lease. A process that dies stops renewing; once its leases lapse, another
 * process claims the runs and resumes them from their journals (the database is the coordinator,
 * as in DBOS). Times come from the store's clock.
 */
export interface LeaseStore {
  /**
   * Takes the run's lease for `ttlMs` when it is free, lapsed, or already `owner`'s (then it is
   * extended); `undefined` while another owner holds a live lease.
   */
  acquireLease(runId: string, owner: string, ttlMs: number): Promise<Lease | undefined>;
  /** Extends `owner`'s live lease; `undefined` when it lapsed or belongs to someone else. */
  renewLease(runId: string, owner: string, ttlMs: number): Promise<Lease | undefined>;
  /** Gives up `owner`'s lease; `false` when `owner` did not hold it. */
  releaseLease(runId: string, owner: string): Promise<boolean>;
  /**
   * Extends, in one statement, every live lease `owner` holds (a heartbeat costs one round trip
   * per runtime, not one per run); resolves with the ids of the runs still held, oldest first.
   * A lapsed lease is not renewed: the run may be someone else's by now.
   */
  renewLeases(owner: string, ttlMs: number): Promise<string[]>;
  /**
   * Hands back every lease `owner` holds, live or lapsed (a draining runtime); resolves with the
   * ids of the runs released, oldest first. Epochs stay, so the next taker gets a new one.
   */
  releaseLeases(owner: string): Promise<string[]>;
  /** The run's lease, live or lapsed, or `undefined`. */
  getLease(runId: string): Promise<Lease | undefined>;
  /** Runs (default: `running`) with no live lease, oldest first: what a dead process left. */
  listUnleasedRuns(options?: UnleasedRunsOptions): Promise<RunRecord[]>;
  /**
   * Atomically leases up to `limit` unleased runs to `owner`, oldest first. Concurrent claimers
   * never get the same run (PostgreSQL: `FOR UPDATE SKIP LOCKED`). Batches are honoured across
   * all owners: no run of a `cancelled` batch is claimed, and a batch with `maxConcurrency` never
   * gets more runs with a live lease than that (runs past the limit are passed over, so later
   * runs of other batches are still claimed). Each claimed run's epoch increases by one; the
   * records come back with `leaseOwner: owner`. (`listUnleasedRuns` and `acquireLease` do not
   * apply batch limits: they list or take one run on purpose.)
   */
  claimRuns(owner: string, ttlMs: number, options?: UnleasedRunsOptions): Promise<RunRecord[]>;
}
