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
}

/** Options of `listUnleasedRuns` and `claimRuns`. */
export interface UnleasedRunsOptions {
  /** Runs with these statuses (default `running`). */
  readonly status?: RunStatus | readonly RunStatus[];
  /** At most this many (default 100, at most 10,000). */
  readonly limit?: number;
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
  /** The run's lease, live or lapsed, or `undefined`. */
  getLease(runId: string): Promise<Lease | undefined>;
  /** Runs (default: `running`) with no live lease, oldest first: what a dead process left. */
  listUnleasedRuns(options?: UnleasedRunsOptions): Promise<RunRecord[]>;
  /**
   * Atomically leases up to `limit` unleased runs to `owner`, oldest first. Concurrent claimers
   * never get the same run (PostgreSQL: `FOR UPDATE SKIP LOCKED`).
   */
  claimRuns(owner: string, ttlMs: number, options?: UnleasedRunsOptions): Promise<RunRecord[]>;
}
