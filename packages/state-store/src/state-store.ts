import type { BlobStore } from '@stepflow/blob-store';
import type { AnswerStore } from './answer-store.ts';
import type { BatchStore } from './batch-store.ts';
import type { JournalStore } from './journal-store.ts';
import type { LeaseStore, StoreNotice, StoreWatch } from './lease-store.ts';
import type { RunStore } from './run-store.ts';

/**
 * Where durable runs live: blobs (flows and data, content-addressed), run records, each run's
 * journal of events, batches, questions to humans and leases.
 *
 * Every method is async and every write is atomic. Values are JSON: what is stored is the JSON
 * text of what was given, so later mutation of an argument or a result never changes the store,
 * and key order survives. Refused input and conflicts throw `StateStoreError`.
 */
export interface StateStore
  extends BlobStore, RunStore, JournalStore, BatchStore, AnswerStore, LeaseStore {
  /** Which implementation this is: `memory`, `sqlite`, `postgres`, … */
  readonly kind: string;
  /**
   * Calls `listener` when there may be work to claim or a run's journal grew, so idle runtimes
   * wake without polling and a run's events reach every process's observers. Resolves once the
   * registration is active. Notices are hints, sent after the write commits, possibly merged or
   * (across a lost connection) missed, in which case a `work` notice follows: read the store for
   * the truth. A listener that throws is ignored. Memory and SQLite stores notify writes made
   * through the same store object; PostgreSQL notifies writes from every process (`LISTEN`).
   * Absent on stores that cannot notify.
   */
  watch?(listener: (notice: StoreNotice) => void): Promise<StoreWatch>;
  /** Releases the store's resources; later calls fail with `store-closed`. Idempotent. */
  close(): Promise<void>;
}
