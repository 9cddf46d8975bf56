import type { RunStatus } from '@stepflow/protocol';
import {
  checkRunsDeletable,
  checkStatusChange,
  prepareListRuns,
  prepareNewRun,
  prepareRunFilter,
  prepareStatusOptions,
  type ListRunsOptions,
  type NewRun,
  type RunFilter,
  type RunRecord,
  type RunStatusOptions,
  type BatchStatus,
  type RunStore,
  statusCounts,
} from '@stepflow/state-store';
import type { PostgresConnection } from './pg-connection.ts';
import { RUN_COLUMNS, runWhere, type RunRow } from './pg-rows.ts';

/** Run records in the `runs` table. */
export class PostgresRunStore implements RunStore {
  constructor(private readonly c: PostgresConnection) {}

  async createRun(newRun: NewRun): Promise<RunRecord> {
    const run = prepareNewRun(newRun);
    return this.c.tx(async (db) => {
      const flowName = await this.c.storeFlow(db, run, `createRun(${run.id})`);
      const now = this.c.clock.now();
      const { rows } = await this.c.uniquely(db, 'run', run.id, () =>
        db.query<RunRow>(
          `INSERT INTO ${this.c.t('runs')} (id, flow_id, flow_name, input, status, parent_run_id,
             parent_step_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
           RETURNING ${RUN_COLUMNS}`,
          [
            run.id,
            run.flowId,
            flowName ?? null,
            run.inputText,
            run.status,
            run.parentRunId ?? null,
            run.parentStepId ?? null,
            now,
          ],
        ),
      );
      await this.c.notify(db, [{ type: 'work' }]);
      return this.c.record(rows[0]!);
    });
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = await this.c.runRow(this.c.open(), runId);
    return row && this.c.record(row);
  }

  async listRuns(options?: ListRunsOptions): Promise<RunRecord[]> {
    const db = this.c.open();
    const query = prepareListRuns(options);
    const where = runWhere(query);
    const order = query.order === 'desc' ? 'DESC' : 'ASC';
    const { rows } = await db.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM ${this.c.t('runs')} ${where.sql} ORDER BY position ${order}
       LIMIT ${query.limit} OFFSET ${query.offset}`,
      where.params,
    );
    return rows.map((row) => this.c.record(row));
  }

  async countRuns(filter?: RunFilter): Promise<number> {
    const db = this.c.open();
    const where = runWhere(prepareRunFilter(filter));
    const { rows } = await db.query<{ n: number }>(
      `SELECT COUNT(*)::integer AS n FROM ${this.c.t('runs')} ${where.sql}`,
      where.params,
    );
    return rows[0]!.n;
  }

  async countRunsByStatus(filter?: RunFilter): Promise<Record<RunStatus, number>> {
    const db = this.c.open();
    const where = runWhere(prepareRunFilter(filter, 'countRunsByStatus'));
    const { rows } = await db.query<{ status: RunStatus; n: number }>(
      `SELECT status, COUNT(*)::integer AS n FROM ${this.c.t('runs')} ${where.sql} GROUP BY status`,
      where.params,
    );
    return statusCounts(rows);
  }

  async updateRunStatus(
    runId: string,
    status: RunStatus,
    options: RunStatusOptions = {},
  ): Promise<RunRecord> {
    const { resultText, wakeAt } = prepareStatusOptions(runId, options);
    return this.c.tx(async (db) => {
      const row = await this.c.requireRun(db, runId, true);
      checkStatusChange(runId, row.status, status, options.expectedStatus);
      const updated = await this.c.applyStatus(db, runId, status, resultText, wakeAt);
      if (status === 'running' && row.status !== 'running') {
        await this.c.notify(db, [{ type: 'work' }]);
      }
      return this.c.record(updated);
    });
  }

  async deleteRun(runId: string): Promise<string[]> {
    return this.c.tx(async (db) => {
      await this.c.requireRun(db, runId, true);
      // The run and its nested runs at any depth, the run first, locked against status changes.
      const { rows } = await db.query<{
        id: string;
        status: RunStatus;
        batch_status: BatchStatus | null;
      }>(
        `WITH RECURSIVE tree(id, depth) AS (
           SELECT $1::text, 0
           UNION ALL SELECT r.id, t.depth + 1 FROM ${this.c.t('runs')} r
             JOIN tree t ON r.parent_run_id = t.id)
         SELECT r.id, r.status, b.status AS batch_status FROM tree t
           JOIN ${this.c.t('runs')} r ON r.id = t.id
           LEFT JOIN ${this.c.t('batches')} b ON b.id = r.batch_id
          ORDER BY t.depth, r.position
          FOR UPDATE OF r`,
        [runId],
      );
      checkRunsDeletable(
        runId,
        rows.map((row) => ({
          id: row.id,
          status: row.status,
          ...(row.batch_status !== null && { batchStatus: row.batch_status }),
        })),
      );
      const ids = rows.map((row) => row.id);
      for (const table of ['journal', 'pending_answers'])
        await db.query(`DELETE FROM ${this.c.t(table)} WHERE run_id = ANY($1::text[])`, [ids]);
      await db.query(`DELETE FROM ${this.c.t('runs')} WHERE id = ANY($1::text[])`, [ids]);
      return ids;
    });
  }
}
