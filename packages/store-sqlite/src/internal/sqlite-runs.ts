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
import type { SqliteConnection } from './sqlite-connection.ts';
import { RUN_COLUMNS, runWhere, type RunRow } from './sqlite-rows.ts';

/** The SQL that inserts a run (also used for batch runs). */
export const INSERT_RUN =
  'INSERT INTO runs (id, flow_id, flow_name, input, status, parent_run_id, parent_step_id, ' +
  'batch_id, batch_index, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

/** Run records in the `runs` table. */
export class SqliteRunStore implements RunStore {
  constructor(private readonly c: SqliteConnection) {}

  async createRun(newRun: NewRun): Promise<RunRecord> {
    const run = prepareNewRun(newRun);
    const record = await this.c.write(() => {
      const flowName = this.c.storeFlow(run, `createRun(${run.id})`);
      this.c.checkRunIdFree(run.id);
      const now = this.c.clock.now();
      this.c
        .sql(INSERT_RUN)
        .run(
          run.id,
          run.flowId,
          flowName ?? null,
          run.inputText,
          run.status,
          run.parentRunId ?? null,
          run.parentStepId ?? null,
          null,
          null,
          now,
          now,
        );
      return this.c.record(this.c.runRow(run.id)!);
    });
    this.c.notifier.notify({ type: 'work' });
    return record;
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    this.c.checkOpen();
    const row = this.c.runRow(runId);
    return row && this.c.record(row);
  }

  async listRuns(options?: ListRunsOptions): Promise<RunRecord[]> {
    this.c.checkOpen();
    const query = prepareListRuns(options);
    const where = runWhere(query);
    const order = query.order === 'desc' ? 'DESC' : 'ASC';
    const rows = this.c
      .sql(
        `SELECT ${RUN_COLUMNS} FROM runs ${where.sql} ORDER BY position ${order} LIMIT ? OFFSET ?`,
      )
      .all(...where.params, query.limit, query.offset) as RunRow[];
    return rows.map((row) => this.c.record(row));
  }

  async countRuns(filter?: RunFilter): Promise<number> {
    this.c.checkOpen();
    const where = runWhere(prepareRunFilter(filter));
    const row = this.c.sql(`SELECT COUNT(*) AS n FROM runs ${where.sql}`).get(...where.params) as {
      n: number;
    };
    return row.n;
  }

  async countRunsByStatus(filter?: RunFilter): Promise<Record<RunStatus, number>> {
    this.c.checkOpen();
    const where = runWhere(prepareRunFilter(filter, 'countRunsByStatus'));
    const rows = this.c
      .sql(`SELECT status, COUNT(*) AS n FROM runs ${where.sql} GROUP BY status`)
      .all(...where.params) as { status: RunStatus; n: number }[];
    return statusCounts(rows);
  }

  async updateRunStatus(
    runId: string,
    status: RunStatus,
    options: RunStatusOptions = {},
  ): Promise<RunRecord> {
    const { resultText, wakeAt } = prepareStatusOptions(runId, options);
    let resumed = false;
    const record = await this.c.write(() => {
      const row = this.c.requireRun(runId);
      checkStatusChange(runId, row.status, status, options.expectedStatus);
      resumed = status === 'running' && row.status !== 'running';
      this.c.applyStatus(runId, status, resultText, wakeAt);
      return this.c.record(this.c.runRow(runId)!);
    });
    if (resumed) this.c.notifier.notify({ type: 'work' });
    return record;
  }

  async deleteRun(runId: string): Promise<string[]> {
    return this.c.write(() => {
      this.c.requireRun(runId);
      // The run and its nested runs at any depth, the run first.
      const tree = this.c
        .sql(
          'WITH RECURSIVE tree(id, depth) AS (SELECT ?, 0 UNION ALL ' +
            'SELECT r.id, t.depth + 1 FROM runs r JOIN tree t ON r.parent_run_id = t.id) ' +
            'SELECT r.id, r.status, b.status AS batch_status FROM tree t ' +
            'JOIN runs r ON r.id = t.id LEFT JOIN batches b ON b.id = r.batch_id ' +
            'ORDER BY t.depth, r.position',
        )
        .all(runId) as { id: string; status: RunStatus; batch_status: BatchStatus | null }[];
      checkRunsDeletable(
        runId,
        tree.map((row) => ({
          id: row.id,
          status: row.status,
          ...(row.batch_status !== null && { batchStatus: row.batch_status }),
        })),
      );
      const ids = JSON.stringify(tree.map((row) => row.id));
      for (const table of ['journal', 'pending_answers'])
        this.c
          .sql(`DELETE FROM ${table} WHERE run_id IN (SELECT value FROM json_each(?))`)
          .run(ids);
      this.c.sql('DELETE FROM runs WHERE id IN (SELECT value FROM json_each(?))').run(ids);
      return tree.map((row) => row.id);
    });
  }
}
