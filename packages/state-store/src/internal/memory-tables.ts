import { createMemoryBlobStore } from '@stepflow/blob-store';
import { isTerminalRunStatus, type RunStatus } from '@stepflow/protocol';
import type { Lease } from '../lease-store.ts';
import { StateStoreError } from '../state-store-error.ts';
import type { StoreClock } from '../store-clock.ts';
import { flowNameOf, type PreparedFlow } from '../store-input.ts';
import type { RunRecord } from '../run-store.ts';
import { StoreNotifier } from '../store-notifier.ts';
import {
  runRecordOf,
  type MemoryAnswer,
  type MemoryBatch,
  type MemoryRun,
} from './memory-records.ts';

/**
 * The memory store's data, shared by its parts. Every write checks everything first and then
 * mutates without an `await` in between, so each call is atomic with respect to every other
 * caller of the same store.
 */
export class MemoryTables {
  readonly blobs = createMemoryBlobStore();
  readonly runs = new Map<string, MemoryRun>();
  readonly batches = new Map<string, MemoryBatch>();
  readonly answers = new Map<string, MemoryAnswer>();
  readonly leases = new Map<string, Lease>();
  /** Insertion counter: the creation order of runs and questions. */
  order = 0;
  closed = false;
  /** Watchers of this store object. */
  readonly notifier = new StoreNotifier();

  constructor(readonly clock: StoreClock) {}

  /** Stores a given flow document as a blob, or checks a given flow id; returns the flow name. */
  async storeFlow(flow: PreparedFlow, what: string): Promise<string | undefined> {
    if (flow.flowText !== undefined) {
      await this.blobs.put(JSON.parse(flow.flowText), 'flow');
      return flow.flowName;
    }
    const stored = await this.blobs.get(flow.flowId);
    if (!stored) {
      throw new StateStoreError('flow-not-found', `${what}: no flow with blob id ${flow.flowId}`);
    }
    return flow.flowName ?? flowNameOf(stored.data);
  }

  /** Sets a status; a final one also stamps `completedAt`, clears `wakeAt`, drops the lease. */
  applyStatus(
    run: MemoryRun,
    status: RunStatus,
    resultText: string | undefined,
    wakeAt?: number | null,
  ): void {
    const now = this.clock.now();
    run.status = status;
    run.updatedAt = now;
    if (resultText !== undefined) run.resultText = resultText;
    if (wakeAt !== undefined) run.wakeAt = wakeAt ?? undefined;
    if (isTerminalRunStatus(status)) {
      run.completedAt = now;
      run.wakeAt = undefined;
      this.leases.delete(run.id);
    }
  }

  /** The record callers see, with the owner of the run's live lease. */
  record(run: MemoryRun): RunRecord {
    const lease = this.leases.get(run.id);
    return runRecordOf(run, lease && lease.expiresAt > this.clock.now() ? lease.owner : undefined);
  }

  /** The owner of the run's live lease, if any. */
  liveLease(runId: string): Lease | undefined {
    const lease = this.leases.get(runId);
    return lease && lease.expiresAt > this.clock.now() ? lease : undefined;
  }

  /** Throws `run-exists` when the id is taken. */
  checkRunIdFree(runId: string): void {
    if (this.runs.has(runId)) {
      throw new StateStoreError('run-exists', `A run with id ${runId} exists already`);
    }
  }

  /** The run, or `run-not-found`. */
  requireRun(runId: string): MemoryRun {
    const run = this.runs.get(runId);
    if (!run) throw new StateStoreError('run-not-found', `No run with id ${runId}`);
    return run;
  }

  /** The batch, or `batch-not-found`. */
  requireBatch(batchId: string): MemoryBatch {
    const batch = this.batches.get(batchId);
    if (!batch) throw new StateStoreError('batch-not-found', `No batch with id ${batchId}`);
    return batch;
  }

  /** Throws `store-closed` once the store is closed. */
  checkOpen(): void {
    if (this.closed) throw new StateStoreError('store-closed', 'The memory state store is closed');
  }
}
