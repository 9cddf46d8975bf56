import type { Pool, PoolClient } from 'pg';
import {
  BlobCorruptedError,
  blobIdOfText,
  canonicalBlobText,
  isBlobId,
  type BlobType,
  type StoredBlob,
} from '@stepflow/blob-store';
import { isTerminalRunStatus, RunStatusSchema, type RunStatus } from '@stepflow/protocol';
import {
  checkBatchStatusChange,
  checkLeaseArgs,
  checkStatusChange,
  flowNameOf,
  prepareAnswer,
  prepareAppends,
  prepareListRuns,
  prepareNewBatch,
  prepareNewRun,
  preparePage,
  preparePendingAnswer,
  prepareRunFilter,
  prepareStatusOptions,
  StateStoreError,
  toStatuses,
  type AppendedRange,
  type BatchRecord,
  type BatchStatus,
  type JournalAppend,
  type JournalEntry,
  type Lease,
  type ListBatchRunsOptions,
  type ListPendingAnswersOptions,
  type ListRunsOptions,
  type NewBatch,
  type NewPendingAnswer,
  type NewRun,
  type PendingAnswer,
  type PreparedFlow,
  type ReadEventsOptions,
  type RunFilter,
  type RunRecord,
  type RunStatusOptions,
  type StateStore,
  type StoreClock,
  type SubmitAnswerResult,
  type UnleasedRunsOptions,
} from '@stepflow/state-store';
import {
  batchRecordOf,
  journalEntryOf,
  leaseOf,
  pendingAnswerOf,
  RUN_COLUMNS,
  runRecordOf,
  runWhere,
  type AnswerRow,
  type BatchRow,
  type JournalRow,
  type RunRow,
} from './pg-rows.ts';

type Queryable = Pick<PoolClient, 'query'>;

function pgCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String(error.code)
    : undefined;
}

/**
 * The PostgreSQL store. Writes run in transactions on one pooled connection; rows a write depends
 * on are locked (`FOR UPDATE`, in id order to avoid deadlocks), so concurrent writers in any
 * number of processes are serialised per run by the database.
 */
export class PostgresStateStore implements StateStore {
  readonly kind = 'postgres';
  private closed = false;
  private readonly t: (table: string) => string;

  constructor(
    private readonly pool: Pool,
    private readonly clock: StoreClock,
    schema: string,
    private readonly where: string,
  ) {
    this.t = (table) => `${schema}.${table}`;
  }

  async put(data: unknown, blobType: BlobType = 'data'): Promise<string> {
    const text = canonicalBlobText(data);
    return this.putText(this.open(), text, blobType);
  }

  async get(id: string): Promise<StoredBlob | undefined> {
    const db = this.open();
    if (!isBlobId(id)) return undefined;
    const { rows } = await db.query<{ data: string; blob_type: BlobType }>(
      `SELECT data, blob_type FROM ${this.t('blobs')} WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    const where = `${this.where}, table blobs`;
    if (blobIdOfText(row.data) !== id) {
      throw new BlobCorruptedError(id, where, 'its content does not hash to its id');
    }
    try {
      return { id, data: JSON.parse(row.data) as unknown, blobType: row.blob_type };
    } catch (error) {
      throw new BlobCorruptedError(id, where, 'its content is not JSON', { cause: error });
    }
  }

  async has(id: string): Promise<boolean> {
    const db = this.open();
    if (!isBlobId(id)) return false;
    const { rowCount } = await db.query(`SELECT 1 FROM ${this.t('blobs')} WHERE id = $1`, [id]);
    return rowCount === 1;
  }

  async createRun(newRun: NewRun): Promise<RunRecord> {
    const run = prepareNewRun(newRun);
    return this.tx(async (db) => {
      const flowName = await this.storeFlow(db, run, `createRun(${run.id})`);
      const now = this.clock.now();
      const { rows } = await this.uniquely(db, 'run', run.id, () =>
        db.query<RunRow>(
          `INSERT INTO ${this.t('runs')} (id, flow_id, flow_name, input, status, parent_run_id,
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
      return runRecordOf(rows[0]!);
    });
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = await this.runRow(this.open(), runId);
    return row && runRecordOf(row);
  }

  async listRuns(options?: ListRunsOptions): Promise<RunRecord[]> {
    const db = this.open();
    const query = prepareListRuns(options);
    const where = runWhere(query);
    const order = query.order === 'desc' ? 'DESC' : 'ASC';
    const { rows } = await db.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM ${this.t('runs')} ${where.sql} ORDER BY position ${order}
       LIMIT ${query.limit} OFFSET ${query.offset}`,
      where.params,
    );
    return rows.map(runRecordOf);
  }

  async countRuns(filter?: RunFilter): Promise<number> {
    const db = this.open();
    const where = runWhere(prepareRunFilter(filter));
    const { rows } = await db.query<{ n: number }>(
      `SELECT COUNT(*)::integer AS n FROM ${this.t('runs')} ${where.sql}`,
      where.params,
    );
    return rows[0]!.n;
  }

  async countRunsByStatus(filter?: RunFilter): Promise<Record<RunStatus, number>> {
    const db = this.open();
    const where = runWhere(prepareRunFilter(filter, 'countRunsByStatus'));
    const { rows } = await db.query<{ status: RunStatus; n: number }>(
      `SELECT status, COUNT(*)::integer AS n FROM ${this.t('runs')} ${where.sql} GROUP BY status`,
      where.params,
    );
    const counts = Object.fromEntries(RunStatusSchema.options.map((s) => [s, 0])) as Record<
      RunStatus,
      number
    >;
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  async updateRunStatus(
    runId: string,
    status: RunStatus,
    options: RunStatusOptions = {},
  ): Promise<RunRecord> {
    const { resultText, wakeAt } = prepareStatusOptions(runId, options);
    return this.tx(async (db) => {
      const row = await this.requireRun(db, runId, true);
      checkStatusChange(runId, row.status, status, options.expectedStatus);
      return runRecordOf(await this.applyStatus(db, runId, status, resultText, wakeAt));
    });
  }

  async appendEvents(appends: readonly JournalAppend[]): Promise<AppendedRange[]> {
    const prepared = prepareAppends(appends);
    return this.tx(async (db) => {
      const ids = [...new Set(prepared.map((a) => a.runId))].sort();
      const { rows } = await db.query<{ id: string; status: RunStatus; last_seq: number }>(
        `SELECT id, status, last_seq FROM ${this.t('runs')} WHERE id = ANY($1::text[])
         ORDER BY id FOR UPDATE`,
        [ids],
      );
      const runs = new Map(rows.map((row) => [row.id, row]));
      const ranges: AppendedRange[] = [];
      for (const append of prepared) {
        const run = runs.get(append.runId);
        if (!run) throw new StateStoreError('run-not-found', `No run with id ${append.runId}`);
        if (append.expectedSeq !== undefined && append.expectedSeq !== run.last_seq) {
          throw new StateStoreError(
            'sequence-conflict',
            `Run ${append.runId} journal ends at ${run.last_seq}, ` +
              `the writer expected ${append.expectedSeq}`,
          );
        }
        const first = run.last_seq + 1;
        if (append.events.length > 0) {
          await db.query(
            `INSERT INTO ${this.t('journal')} (run_id, seq, type, event)
             SELECT $1, $2::integer + ordinality::integer - 1, type, event
               FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS e(type, event)`,
            [
              append.runId,
              first,
              append.events.map((e) => e.type),
              append.events.map((e) => e.text),
            ],
          );
        }
        run.last_seq += append.events.length;
        await db.query(
          `UPDATE ${this.t('runs')} SET last_seq = $2, updated_at = $3 WHERE id = $1`,
          [append.runId, run.last_seq, this.clock.now()],
        );
        if (append.status !== undefined) {
          checkStatusChange(append.runId, run.status, append.status);
          await this.applyStatus(db, append.runId, append.status, append.resultText);
          run.status = append.status;
        }
        ranges.push({ runId: append.runId, firstSeq: first, lastSeq: run.last_seq });
      }
      return ranges;
    });
  }

  async readEvents(runId: string, options: ReadEventsOptions = {}): Promise<JournalEntry[]> {
    const db = this.open();
    await this.requireRun(db, runId);
    const { rows } = await db.query<JournalRow>(
      `SELECT run_id, seq, event FROM ${this.t('journal')} WHERE run_id = $1 AND seq >= $2
       ORDER BY seq LIMIT $3`,
      [runId, options.fromSeq ?? 1, options.limit ?? null],
    );
    return rows.map(journalEntryOf);
  }

  async createBatch(newBatch: NewBatch): Promise<BatchRecord> {
    const batch = prepareNewBatch(newBatch);
    return this.tx(async (db) => {
      const flowName = (await this.storeFlow(db, batch, `createBatch(${batch.id})`)) ?? null;
      const now = this.clock.now();
      const { rows } = await this.uniquely(db, 'batch', batch.id, () =>
        db.query<BatchRow>(
          `INSERT INTO ${this.t('batches')} (id, flow_id, flow_name, total, status,
             max_concurrency, created_at, updated_at)
           VALUES ($1, $2, $3, $4, 'running', $5, $6, $6) RETURNING *`,
          [batch.id, batch.flowId, flowName, batch.runs.length, batch.maxConcurrency ?? null, now],
        ),
      );
      await this.uniquely(db, 'run', '(one of the batch runs)', () =>
        db.query(
          `INSERT INTO ${this.t('runs')} (id, flow_id, flow_name, input, status, parent_run_id,
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
      return batchRecordOf(rows[0]!);
    });
  }

  async getBatch(batchId: string): Promise<BatchRecord | undefined> {
    const row = await this.batchRow(this.open(), batchId);
    return row && batchRecordOf(row);
  }

  async listBatchRuns(batchId: string, options: ListBatchRunsOptions = {}): Promise<RunRecord[]> {
    const db = this.open();
    const page = preparePage(options, 'listBatchRuns');
    const filter = prepareRunFilter({ status: options.status, batchId }, 'listBatchRuns');
    if (!(await this.batchRow(db, batchId))) {
      throw new StateStoreError('batch-not-found', `No batch with id ${batchId}`);
    }
    const where = runWhere(filter);
    const { rows } = await db.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM ${this.t('runs')} ${where.sql} ORDER BY batch_index
       LIMIT ${page.limit} OFFSET ${page.offset}`,
      where.params,
    );
    return rows.map(runRecordOf);
  }

  async updateBatchStatus(batchId: string, status: BatchStatus): Promise<BatchRecord> {
    return this.tx(async (db) => {
      const row = await this.batchRow(db, batchId, true);
      if (!row) throw new StateStoreError('batch-not-found', `No batch with id ${batchId}`);
      checkBatchStatusChange(batchId, row.status, status);
      const { rows } = await db.query<BatchRow>(
        `UPDATE ${this.t('batches')} SET status = $2, updated_at = $3 WHERE id = $1 RETURNING *`,
        [batchId, status, this.clock.now()],
      );
      return batchRecordOf(rows[0]!);
    });
  }

  async createPendingAnswer(newAnswer: NewPendingAnswer): Promise<PendingAnswer> {
    const { request, schemaText } = preparePendingAnswer(newAnswer);
    const db = this.open();
    try {
      await db.query(
        `INSERT INTO ${this.t('pending_answers')} (run_id, step_id, prompt, schema, created_at,
           expires_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (run_id, step_id) DO NOTHING`,
        [
          request.runId,
          request.stepId,
          request.prompt,
          schemaText ?? null,
          this.clock.now(),
          request.expiresAt ?? null,
        ],
      );
    } catch (error) {
      if (pgCode(error) === '23503') {
        throw new StateStoreError('run-not-found', `No run with id ${request.runId}`);
      }
      throw error;
    }
    return pendingAnswerOf((await this.answerRow(db, request.runId, request.stepId))!);
  }

  async getPendingAnswer(runId: string, stepId: string): Promise<PendingAnswer | undefined> {
    const row = await this.answerRow(this.open(), runId, stepId);
    return row && pendingAnswerOf(row);
  }

  async listPendingAnswers(options: ListPendingAnswersOptions = {}): Promise<PendingAnswer[]> {
    const db = this.open();
    const page = preparePage(options, 'listPendingAnswers');
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (options.runId !== undefined) {
      params.push(options.runId);
      clauses.push(`run_id = $${params.length}`);
    }
    if (options.answered !== undefined) {
      clauses.push(options.answered ? 'answer IS NOT NULL' : 'answer IS NULL');
    }
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const { rows } = await db.query<AnswerRow>(
      `SELECT * FROM ${this.t('pending_answers')} ${where} ORDER BY position
       LIMIT ${page.limit} OFFSET ${page.offset}`,
      params,
    );
    return rows.map(pendingAnswerOf);
  }

  async submitAnswer(
    runId: string,
    stepId: string,
    answer: unknown,
    answeredBy?: string,
  ): Promise<SubmitAnswerResult> {
    const answerText = prepareAnswer(runId, stepId, answer, answeredBy);
    const db = this.open();
    const { rows } = await db.query<AnswerRow>(
      `UPDATE ${this.t('pending_answers')} SET answer = $3, answered_by = $4, answered_at = $5
        WHERE run_id = $1 AND step_id = $2 AND answer IS NULL RETURNING *`,
      [runId, stepId, answerText, answeredBy ?? null, this.clock.now()],
    );
    if (rows[0]) return { accepted: true, record: pendingAnswerOf(rows[0]) };
    const row = await this.answerRow(db, runId, stepId);
    if (!row) {
      throw new StateStoreError('answer-not-found', `Run ${runId} step ${stepId} asked nothing`);
    }
    return { accepted: false, record: pendingAnswerOf(row) };
  }

  async acquireLease(runId: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    checkLeaseArgs(runId, owner, ttlMs);
    const db = this.open();
    const now = this.clock.now();
    // SET sees the old row: an owner renewing a live lease keeps its acquiredAt.
    const { rows } = await db.query<RunRow>(
      `UPDATE ${this.t('runs')} SET lease_owner = $2,
         lease_acquired_at = CASE WHEN lease_owner = $2 AND lease_expires_at > $3
                                  THEN lease_acquired_at ELSE $3 END,
         lease_expires_at = $4
       WHERE id = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at <= $3)
       RETURNING id, lease_owner, lease_acquired_at, lease_expires_at`,
      [runId, owner, now, now + ttlMs],
    );
    if (rows[0]) return leaseOf(rows[0]);
    await this.requireRun(db, runId);
    return undefined;
  }

  async renewLease(runId: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    checkLeaseArgs(runId, owner, ttlMs);
    const now = this.clock.now();
    const { rows } = await this.open().query<RunRow>(
      `UPDATE ${this.t('runs')} SET lease_expires_at = $3
        WHERE id = $1 AND lease_owner = $2 AND lease_expires_at > $4
        RETURNING id, lease_owner, lease_acquired_at, lease_expires_at`,
      [runId, owner, now + ttlMs, now],
    );
    return rows[0] && leaseOf(rows[0]);
  }

  async releaseLease(runId: string, owner: string): Promise<boolean> {
    checkLeaseArgs(runId, owner);
    const { rowCount } = await this.open().query(
      `UPDATE ${this.t('runs')} SET lease_owner = NULL, lease_acquired_at = NULL,
         lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2`,
      [runId, owner],
    );
    return rowCount === 1;
  }

  async getLease(runId: string): Promise<Lease | undefined> {
    const row = await this.runRow(this.open(), runId);
    return row && leaseOf(row);
  }

  async listUnleasedRuns(options: UnleasedRunsOptions = {}): Promise<RunRecord[]> {
    const db = this.open();
    const { sql, params, limit } = this.unleased(options);
    const { rows } = await db.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM ${this.t('runs')} ${sql} ORDER BY position LIMIT ${limit}`,
      params,
    );
    return rows.map(runRecordOf);
  }

  async claimRuns(
    owner: string,
    ttlMs: number,
    options: UnleasedRunsOptions = {},
  ): Promise<RunRecord[]> {
    checkLeaseArgs('claim', owner, ttlMs);
    const db = this.open();
    const { sql, params, limit } = this.unleased(options);
    const now = params[params.length - 1] as number;
    params.push(owner, now + ttlMs);
    // SKIP LOCKED: concurrent claimers pass over rows another claimer is taking.
    const { rows } = await db.query<RunRow & { position: string }>(
      `WITH picked AS (
         SELECT id FROM ${this.t('runs')} ${sql} ORDER BY position LIMIT ${limit}
         FOR UPDATE SKIP LOCKED)
       UPDATE ${this.t('runs')} r SET lease_owner = $${params.length - 1},
         lease_acquired_at = $${params.length - 2}, lease_expires_at = $${params.length}
         FROM picked WHERE r.id = picked.id RETURNING r.position, ${RUN_COLUMNS.split(', ')
           .map((c) => `r.${c}`)
           .join(', ')}`,
      params,
    );
    rows.sort((a, b) => Number(a.position) - Number(b.position));
    return rows.map(runRecordOf);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private unleased(options: UnleasedRunsOptions): {
    sql: string;
    params: unknown[];
    limit: number;
  } {
    const { limit } = preparePage({ limit: options.limit }, 'listUnleasedRuns');
    const statuses = toStatuses(options.status) ?? ['running'];
    const where = runWhere(prepareRunFilter({ status: statuses }, 'listUnleasedRuns'));
    where.params.push(this.clock.now());
    const now = `$${where.params.length}`;
    return {
      sql: `${where.sql} AND (lease_expires_at IS NULL OR lease_expires_at <= ${now})`,
      params: where.params,
      limit,
    };
  }

  private async applyStatus(
    db: Queryable,
    runId: string,
    status: RunStatus,
    resultText: string | undefined,
    wakeAt?: number | null,
  ): Promise<RunRow> {
    const final = isTerminalRunStatus(status);
    const { rows } = await db.query<RunRow>(
      `UPDATE ${this.t('runs')} SET status = $2, updated_at = $3,
         result = COALESCE($4, result),
         wake_at = CASE WHEN $5 THEN NULL WHEN $6 THEN $7::double precision ELSE wake_at END,
         completed_at = CASE WHEN $5 THEN $3 ELSE completed_at END,
         lease_owner = CASE WHEN $5 THEN NULL ELSE lease_owner END,
         lease_acquired_at = CASE WHEN $5 THEN NULL ELSE lease_acquired_at END,
         lease_expires_at = CASE WHEN $5 THEN NULL ELSE lease_expires_at END
       WHERE id = $1 RETURNING ${RUN_COLUMNS}`,
      [
        runId,
        status,
        this.clock.now(),
        resultText ?? null,
        final,
        wakeAt !== undefined,
        wakeAt ?? null,
      ],
    );
    return rows[0]!;
  }

  /** Stores a given flow document, or checks a given flow id; returns the flow's name. */
  private async storeFlow(db: Queryable, flow: PreparedFlow, what: string) {
    if (flow.flowText !== undefined) {
      await this.putText(db, flow.flowText, 'flow');
      return flow.flowName;
    }
    const { rows } = await db.query<{ data: string }>(
      `SELECT data FROM ${this.t('blobs')} WHERE id = $1`,
      [flow.flowId],
    );
    if (!rows[0]) {
      throw new StateStoreError('flow-not-found', `${what}: no flow with blob id ${flow.flowId}`);
    }
    return flow.flowName ?? flowNameOf(JSON.parse(rows[0].data));
  }

  private async putText(db: Queryable, text: string, blobType: BlobType): Promise<string> {
    const id = blobIdOfText(text);
    await db.query(
      `INSERT INTO ${this.t('blobs')} (id, data, blob_type, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO NOTHING`,
      [id, text, blobType, this.clock.now()],
    );
    return id;
  }

  /** Runs an insert, turning a unique violation into `run-exists` / `batch-exists`. */
  private async uniquely<T>(
    _db: Queryable,
    kind: 'run' | 'batch',
    id: string,
    insert: () => Promise<T>,
  ): Promise<T> {
    try {
      return await insert();
    } catch (error) {
      if (pgCode(error) !== '23505') throw error;
      const detail = (error as { detail?: string }).detail ?? '';
      const taken = /\(id\)=\((.*)\)/.exec(detail)?.[1] ?? id;
      throw new StateStoreError(`${kind}-exists`, `A ${kind} with id ${taken} exists already`, {
        cause: error,
      });
    }
  }

  private async requireRun(db: Queryable, runId: string, lock = false): Promise<RunRow> {
    const row = await this.runRow(db, runId, lock);
    if (!row) throw new StateStoreError('run-not-found', `No run with id ${runId}`);
    return row;
  }

  private async runRow(db: Queryable, runId: string, lock = false): Promise<RunRow | undefined> {
    const { rows } = await db.query<RunRow>(
      `SELECT * FROM ${this.t('runs')} WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [runId],
    );
    return rows[0];
  }

  private async batchRow(db: Queryable, batchId: string, lock = false) {
    const { rows } = await db.query<BatchRow>(
      `SELECT * FROM ${this.t('batches')} WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [batchId],
    );
    return rows[0];
  }

  private async answerRow(db: Queryable, runId: string, stepId: string) {
    const { rows } = await db.query<AnswerRow>(
      `SELECT * FROM ${this.t('pending_answers')} WHERE run_id = $1 AND step_id = $2`,
      [runId, stepId],
    );
    return rows[0];
  }

  /** Runs `body` in a transaction on one pooled connection: all of it is written, or none. */
  private async tx<T>(body: (db: Queryable) => Promise<T>): Promise<T> {
    this.open();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private open(): Pool {
    if (this.closed) {
      throw new StateStoreError(
        'store-closed',
        `The PostgreSQL state store (${this.where}) is closed`,
      );
    }
    return this.pool;
  }
}
