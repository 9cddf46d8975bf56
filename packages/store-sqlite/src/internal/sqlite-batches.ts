import {
  checkBatchStatusChange,
  prepareListBatches,
  preparePage,
  prepareNewBatch,
  prepareRunFilter,
  StateStoreError,
  type BatchRecord,
  type BatchStatus,
  type BatchStore,
  type ListBatchesOptions,
  type ListBatchRunsOptions,
  type NewBatch,
  type RunRecord,
} from '@stepflow/state-store';
import type { SqliteConnection } from './sqlite-connection.ts';
import { INSERT_RUN } from './sqlite-runs.ts';
import {
  batchRecordOf,
  batchWhere,
  RUN_COLUMNS,
  runWhere,
  type BatchRow,
  type RunRow,
} from './sqlite-rows.ts';

/** Batches in the `batches` table, their runs in `runs`. */
export class SqliteBatchStore implements BatchStore {
  constructor(private readonly c: SqliteConnection) {}

  async createBatch(newBatch: NewBatch): Promise<BatchRecord> {
    const batch = prepareNewBatch(newBatch);
    const record = await this.c.write(() => {
      const flowName = this.c.storeFlow(batch, `createBatch(${batch.id})`) ?? null;
      if (this.c.sql('SELECT 1 FROM batches WHERE id = ?').get(batch.id)) {
        throw new StateStoreError('batch-exists', `A batch with id ${batch.id} exists already`);
      }
      const now = this.c.clock.now();
      this.c
        .sql(
          'INSERT INTO batches (id, flow_id, flow_name, total, status, max_concurrency, ' +
            "created_at, updated_at, position) VALUES (?, ?, ?, ?, 'running', ?, ?, ?, " +
            '(SELECT COALESCE(MAX(position), 0) + 1 FROM batches))',
        )
        .run(
          batch.id,
          batch.flowId,
          flowName,
          batch.runs.length,
          batch.maxConcurrency ?? null,
          now,
          now,
        );
      const insert = this.c.sql(INSERT_RUN);
      batch.runs.forEach((run, index) => {
        this.c.checkRunIdFree(run.id);
        insert.run(
          run.id,
          batch.flowId,
          flowName,
          run.inputText,
          'running',
          batch.parentRunId ?? null,
          batch.parentStepId ?? null,
          batch.id,
          index,
          now,
          now,
        );
      });
      return batchRecordOf(this.c.batchRow(batch.id)!);
    });
    this.c.notifier.notify({ type: 'work' });
    return record;
  }

  async getBatch(batchId: string): Promise<BatchRecord | undefined> {
    this.c.checkOpen();
    const row = this.c.batchRow(batchId);
    return row && batchRecordOf(row);
  }

  async listBatches(options?: ListBatchesOptions): Promise<BatchRecord[]> {
    this.c.checkOpen();
    const query = prepareListBatches(options);
    const where = batchWhere(query);
    const order = query.order === 'desc' ? 'DESC' : 'ASC';
    const rows = this.c
      .sql(`SELECT * FROM batches ${where.sql} ORDER BY position ${order} LIMIT ? OFFSET ?`)
      .all(...where.params, query.limit, query.offset) as BatchRow[];
    return rows.map(batchRecordOf);
  }

  async listBatchRuns(batchId: string, options: ListBatchRunsOptions = {}): Promise<RunRecord[]> {
    this.c.checkOpen();
    const page = preparePage(options, 'listBatchRuns');
    const filter = prepareRunFilter({ status: options.status, batchId }, 'listBatchRuns');
    if (!this.c.batchRow(batchId)) {
      throw new StateStoreError('batch-not-found', `No batch with id ${batchId}`);
    }
    const where = runWhere(filter);
    const rows = this.c
      .sql(`SELECT ${RUN_COLUMNS} FROM runs ${where.sql} ORDER BY batch_index LIMIT ? OFFSET ?`)
      .all(...where.params, page.limit, page.offset) as RunRow[];
    return rows.map((row) => this.c.record(row));
  }

  async updateBatchStatus(batchId: string, status: BatchStatus): Promise<BatchRecord> {
    return this.c.write(() => {
      const row = this.c.batchRow(batchId);
      if (!row) throw new StateStoreError('batch-not-found', `No batch with id ${batchId}`);
      checkBatchStatusChange(batchId, row.status, status);
      this.c
        .sql('UPDATE batches SET status = ?, updated_at = ? WHERE id = ?')
        .run(status, this.c.clock.now(), batchId);
      return batchRecordOf(this.c.batchRow(batchId)!);
    });
  }
}
