import type { BlobStore } from '@stepflow/blob-store';
import type { AnswerStore } from './answer-store.ts';
import type { BatchStore } from './batch-store.ts';
import type { JournalStore } from './journal-store.ts';
import type { LeaseStore, StoreNotice, StoreWatch } from './lease-store.ts';
import type { RunStore } from './run-store.ts';
import type { StateStore } from './state-store.ts';

/** The parts a `StateStore` is made of, one per concept. */
export interface StateStoreParts {
  readonly blobs: BlobStore;
  readonly runs: RunStore;
  readonly journal: JournalStore;
  readonly batches: BatchStore;
  readonly answers: AnswerStore;
  readonly leases: LeaseStore;
  /** Change notification, when the store offers it (see `StateStore.watch`). */
  readonly watch?: (listener: (notice: StoreNotice) => void) => Promise<StoreWatch>;
}

/**
 * Assembles a `StateStore` from one implementation per concept (for store implementations), so
 * each concept lives in its own module. Every method is listed, so a missing one fails to compile.
 */
export function composeStateStore(
  kind: string,
  parts: StateStoreParts,
  close: () => Promise<void>,
): StateStore {
  const { blobs, runs, journal, batches, answers, leases, watch } = parts;
  return {
    kind,
    put: (data, blobType) => blobs.put(data, blobType),
    get: (id) => blobs.get(id),
    has: (id) => blobs.has(id),
    createRun: (run) => runs.createRun(run),
    getRun: (runId) => runs.getRun(runId),
    listRuns: (options) => runs.listRuns(options),
    countRuns: (filter) => runs.countRuns(filter),
    countRunsByStatus: (filter) => runs.countRunsByStatus(filter),
    updateRunStatus: (runId, status, options) => runs.updateRunStatus(runId, status, options),
    deleteRun: (runId) => runs.deleteRun(runId),
    appendEvents: (appends) => journal.appendEvents(appends),
    readEvents: (runId, options) => journal.readEvents(runId, options),
    createBatch: (batch) => batches.createBatch(batch),
    getBatch: (batchId) => batches.getBatch(batchId),
    listBatches: (options) => batches.listBatches(options),
    listBatchRuns: (batchId, options) => batches.listBatchRuns(batchId, options),
    updateBatchStatus: (batchId, status) => batches.updateBatchStatus(batchId, status),
    createPendingAnswer: (request) => answers.createPendingAnswer(request),
    getPendingAnswer: (runId, stepId) => answers.getPendingAnswer(runId, stepId),
    listPendingAnswers: (options) => answers.listPendingAnswers(options),
    submitAnswer: (runId, stepId, answer, by) => answers.submitAnswer(runId, stepId, answer, by),
    acquireLease: (runId, owner, ttlMs) => leases.acquireLease(runId, owner, ttlMs),
    renewLease: (runId, owner, ttlMs) => leases.renewLease(runId, owner, ttlMs),
    releaseLease: (runId, owner) => leases.releaseLease(runId, owner),
    renewLeases: (owner, ttlMs) => leases.renewLeases(owner, ttlMs),
    releaseLeases: (owner) => leases.releaseLeases(owner),
    getLease: (runId) => leases.getLease(runId),
    listUnleasedRuns: (options) => leases.listUnleasedRuns(options),
    claimRuns: (owner, ttlMs, options) => leases.claimRuns(owner, ttlMs, options),
    ...(watch && { watch }),
    close,
  };
}
