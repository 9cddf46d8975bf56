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
import type { PostgresConnection } from './pg-connection.ts';
import {
  batchRecordOf,
  batchWhere,
  RUN_COLUMNS,
  runWhere,
  type BatchRow,
  type RunRow,
} from './pg-rows.ts';

/** Batches in the `batches` table, their runs inserted with one statement. */
export class PostgresBatchStore implements BatchStore {
  constructor(private readonly c: PostgresConnection) {}

  async createBatch(newBatch: NewBatch): Promise<BatchRecord> {
    const batch = prepareNewBatch(newBatch);
    return this.c.tx(async (db) => {
      const flowName = (await this.c.storeFlow(db, batch, `createBatch(${batch.id})`)) ?? null;
      const now = this.c.clock.now();
      const { rows } = await this.c.uniquely(db, 'batch', batch.id, () =>
        db.query<BatchRow>(
          `INSERT INTO ${this.c.t('batches')} (id, flow_id, flow_name, total, status,
             max_concurrency, created_at, updated_at)
           VALUES ($1, $2, $3, $4, 'running', $5, $6, $6) RETURNING *`,
          [batch.id, batch.flowId, flowName, batch.runs.length, batch.maxConcurrency ?? null, now],
        ),
      );
      await this.c.uniquely(db, 'run', '(one of the batch runs)', () =>
        db.query(
          `INSERT INTO ${this.c.t('runs')} (id, flow_id, flow_name, input, status, parent_run_id,
             parent_step_id, batch_id, batch_index, created_at, updated_at)
           SELECT id, $3, $4, input, 'running', $5, $6, $7, ordinality::integer - 1, $8, $8
             FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS r(id, input)
            ORDER BY ordinality`,
          [
            batch.runs.map((r) => r.id),
            batch.runs.map((r) => r.inputText),
            batch.flowId,
            flowName,
            batch.parentRunId ?? null,
            batch.parentStepId ?? null,
            batch.id,
            now,
          ],
        ),
      );
      await this.c.notify(db, [{ type: 'work' }]);
      return batchRecordOf(rows[0]!);
    });
  }

  async getBatch(batchId: string): Promise<BatchRecord | undefined> {
    const row = await this.c.batchRow(this.c.open(), batchId);
    return row && batchRecordOf(row);
  }

  async listBatches(options?: ListBatchesOptions): Promise<BatchRecord[]> {
    const db = this.c.open();
    const query = prepareListBatches(options);
    const where = batchWhere(query);
    const { rows } = await db.query<BatchRow>(
      `SELECT * FROM ${this.c.t('batches')} ${where.sql}
        ORDER BY position ${query.order === 'desc' ? 'DESC' : 'ASC'}
        LIMIT ${query.limit} OFFSET ${query.offset}`,
      where.params,
    );
    return rows.map(batchRecordOf);
  }

  async listBatchRuns(batchId: string, options: ListBatchRunsOptions = {}): Promise<RunRecord[]> {
    const db = this.c.open();
    const page = preparePage(options, 'listBatchRuns');
    const filter = prepareRunFilter({ status: options.status, batchId }, 'listBatchRuns');
    if (!(await this.c.batchRow(db, batchId))) {
      throw new StateStoreError('batch-not-found', `No batch with id ${batchId}`);
    }
    const where = runWhere(filter);
    const { rows } = await db.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM ${this.c.t('runs')} ${where.sql} ORDER BY batch_index
       LIMIT ${page.limit} OFFSET ${page.offset}`,
      where.params,
    );
    return rows.map((row) => this.c.record(row));
  }

  async updateBatchStatus(batchId: string, status: BatchStatus): Promise<BatchRecord> {
    return this.c.tx(async (db) => {
      const row = await this.c.batchRow(db, batchId, true);
      if (!row) throw new StateStoreError('batch-not-found', `No batch with id ${batchId}`);
      checkBatchStatusChange(batchId, row.status, status);
      const { rows } = await db.query<BatchRow>(
        `UPDATE ${this.c.t('batches')} SET status = $2, updated_at = $3 WHERE id = $1 RETURNING *`,
        [batchId, status, this.c.clock.now()],
      );
      return batchRecordOf(rows[0]!);
    });
  }
}
