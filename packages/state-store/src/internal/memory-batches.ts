import type {
  BatchRecord,
  BatchStatus,
  BatchStore,
  ListBatchesOptions,
  ListBatchRunsOptions,
  NewBatch,
} from '../batch-store.ts';
import type { RunRecord } from '../run-store.ts';
import { StateStoreError } from '../state-store-error.ts';
import {
  checkBatchStatusChange,
  prepareListBatches,
  prepareNewBatch,
  preparePage,
  prepareRunFilter,
} from '../store-input.ts';
import type { MemoryBatch } from './memory-records.ts';
import type { MemoryTables } from './memory-tables.ts';

/** Batches in memory. */
export class MemoryBatchStore implements BatchStore {
  constructor(private readonly t: MemoryTables) {}

  async createBatch(newBatch: NewBatch): Promise<BatchRecord> {
    this.t.checkOpen();
    const batch = prepareNewBatch(newBatch);
    const flowName = await this.t.storeFlow(batch, `createBatch(${batch.id})`);
    if (this.t.batches.has(batch.id)) {
      throw new StateStoreError('batch-exists', `A batch with id ${batch.id} exists already`);
    }
    for (const run of batch.runs) this.t.checkRunIdFree(run.id);
    const now = this.t.clock.now();
    const record: MemoryBatch = {
      id: batch.id,
      flowId: batch.flowId,
      ...(flowName !== undefined && { flowName }),
      total: batch.runs.length,
      status: 'running',
      ...(batch.maxConcurrency !== undefined && { maxConcurrency: batch.maxConcurrency }),
      createdAt: now,
      updatedAt: now,
    };
    this.t.batches.set(batch.id, record);
    batch.runs.forEach((run, batchIndex) => {
      this.t.runs.set(run.id, {
        id: run.id,
        order: this.t.order++,
        flowId: batch.flowId,
        flowName,
        inputText: run.inputText,
        status: 'running',
        parentRunId: batch.parentRunId,
        parentStepId: batch.parentStepId,
        batchId: batch.id,
        batchIndex,
        createdAt: now,
        updatedAt: now,
        events: [],
        leaseEpoch: 0,
      });
    });
    this.t.notifier.notify({ type: 'work' });
    return { ...record };
  }

  async getBatch(batchId: string): Promise<BatchRecord | undefined> {
    this.t.checkOpen();
    const batch = this.t.batches.get(batchId);
    return batch && { ...batch };
  }

  async listBatches(options?: ListBatchesOptions): Promise<BatchRecord[]> {
    this.t.checkOpen();
    const query = prepareListBatches(options);
    // The map keeps insertion order: creation order.
    const found = [...this.t.batches.values()].filter(
      (batch) =>
        (query.statuses === undefined || query.statuses.includes(batch.status)) &&
        (query.flowId === undefined || batch.flowId === query.flowId) &&
        (query.flowName === undefined || batch.flowName === query.flowName),
    );
    if (query.order === 'desc') found.reverse();
    return found.slice(query.offset, query.offset + query.limit).map((batch) => ({ ...batch }));
  }

  async listBatchRuns(batchId: string, options: ListBatchRunsOptions = {}): Promise<RunRecord[]> {
    this.t.checkOpen();
    const page = preparePage(options, 'listBatchRuns');
    const statuses = prepareRunFilter({ status: options.status }, 'listBatchRuns').statuses;
    this.t.requireBatch(batchId);
    return [...this.t.runs.values()]
      .filter((run) => run.batchId === batchId && (!statuses || statuses.includes(run.status)))
      .sort((a, b) => a.batchIndex! - b.batchIndex!)
      .slice(page.offset, page.offset + page.limit)
      .map((run) => this.t.record(run));
  }

  async updateBatchStatus(batchId: string, status: BatchStatus): Promise<BatchRecord> {
    this.t.checkOpen();
    const batch = this.t.requireBatch(batchId);
    checkBatchStatusChange(batchId, batch.status, status);
    batch.status = status;
    batch.updatedAt = this.t.clock.now();
    return { ...batch };
  }
}
