import type { Database, Statement } from 'better-sqlite3';
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
} from './sqlite-rows.ts';

const INSERT_RUN =
  'INSERT INTO runs (id, flow_id, flow_name, input, status, parent_run_id, parent_step_id, ' +
  'batch_id, batch_index, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

/**
 * The SQLite store. better-sqlite3 is synchronous, so each method's transaction runs to the end
 * without yielding: calls from one process are serialised by the event loop, and calls from other
 * processes by SQLite's write lock (`BEGIN IMMEDIATE`, waiting up to the busy timeout).
 */
export class SqliteStateStore implements StateStore {
  readonly kind = 'sqlite';
  private readonly statements = new Map<string, Statement>();
  private closed = false;

  constructor(
    private readonly db: Database,
    private readonly clock: StoreClock,
    private readonly location: string,
  ) {}

  async put(data: unknown, blobType: BlobType = 'data'): Promise<string> {
    const text = canonicalBlobText(data);
    return this.write(() => this.putText(text, blobType));
  }

  async get(id: string): Promise<StoredBlob | undefined> {
    this.checkOpen();
    if (!isBlobId(id)) return undefined;
    const row = this.sql('SELECT data, blob_type FROM blobs WHERE id = ?').get(id) as
      { data: string; blob_type: BlobType } | undefined;
    if (!row) return undefined;
    const where = `${this.location}, table blobs`;
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
    this.checkOpen();
    return isBlobId(id) && this.sql('SELECT 1 FROM blobs WHERE id = ?').get(id) !== undefined;
  }

  async createRun(newRun: NewRun): Promise<RunRecord> {
    const run = prepareNewRun(newRun);
    return this.write(() => {
      const flowName = this.storeFlow(run, `createRun(${run.id})`);
      this.checkRunIdFree(run.id);
      const now = this.clock.now();
      this.sql(INSERT_RUN).run(
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
      return runRecordOf(this.runRow(run.id)!);
    });
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    this.checkOpen();
    const row = this.runRow(runId);
    return row && runRecordOf(row);
  }

  async listRuns(options?: ListRunsOptions): Promise<RunRecord[]> {
    this.checkOpen();
    const query = prepareListRuns(options);
    const where = runWhere(query);
    const order = query.order === 'desc' ? 'DESC' : 'ASC';
    const rows = this.sql(
      `SELECT ${RUN_COLUMNS} FROM runs ${where.sql} ORDER BY position ${order} LIMIT ? OFFSET ?`,
    ).all(...where.params, query.limit, query.offset) as RunRow[];
    return rows.map(runRecordOf);
  }

  async countRuns(filter?: RunFilter): Promise<number> {
    this.checkOpen();
    const where = runWhere(prepareRunFilter(filter));
    const row = this.sql(`SELECT COUNT(*) AS n FROM runs ${where.sql}`).get(...where.params) as {
      n: number;
    };
    return row.n;
  }

  async countRunsByStatus(filter?: RunFilter): Promise<Record<RunStatus, number>> {
    this.checkOpen();
    const where = runWhere(prepareRunFilter(filter, 'countRunsByStatus'));
    const rows = this.sql(
      `SELECT status, COUNT(*) AS n FROM runs ${where.sql} GROUP BY status`,
    ).all(...where.params) as { status: RunStatus; n: number }[];
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
    return this.write(() => {
      const row = this.requireRun(runId);
      checkStatusChange(runId, row.status, status, options.expectedStatus);
      this.applyStatus(runId, status, resultText, wakeAt);
      return runRecordOf(this.runRow(runId)!);
    });
  }

  async appendEvents(appends: readonly JournalAppend[]): Promise<AppendedRange[]> {
    const prepared = prepareAppends(appends);
    return this.write(() =>
      prepared.map((append) => {
        const row = this.requireRun(append.runId);
        if (append.expectedSeq !== undefined && append.expectedSeq !== row.last_seq) {
          throw new StateStoreError(
            'sequence-conflict',
            `Run ${append.runId} journal ends at ${row.last_seq}, ` +
              `the writer expected ${append.expectedSeq}`,
          );
        }
        const insert = this.sql(
          'INSERT INTO journal (run_id, seq, type, event) VALUES (?, ?, ?, ?)',
        );
        let seq = row.last_seq;
        for (const event of append.events) insert.run(append.runId, ++seq, event.type, event.text);
        this.sql('UPDATE runs SET last_seq = ?, updated_at = ? WHERE id = ?').run(
          seq,
          this.clock.now(),
          append.runId,
        );
        if (append.status !== undefined) {
          checkStatusChange(append.runId, row.status, append.status);
          this.applyStatus(append.runId, append.status, append.resultText);
        }
        return { runId: append.runId, firstSeq: row.last_seq + 1, lastSeq: seq };
      }),
    );
  }

  async readEvents(runId: string, options: ReadEventsOptions = {}): Promise<JournalEntry[]> {
    this.checkOpen();
    this.requireRun(runId);
    const rows = this.sql(
      'SELECT run_id, seq, event FROM journal WHERE run_id = ? AND seq >= ? ORDER BY seq LIMIT ?',
    ).all(runId, options.fromSeq ?? 1, options.limit ?? -1) as JournalRow[];
    return rows.map(journalEntryOf);
  }

  async createBatch(newBatch: NewBatch): Promise<BatchRecord> {
    const batch = prepareNewBatch(newBatch);
    return this.write(() => {
      const flowName = this.storeFlow(batch, `createBatch(${batch.id})`) ?? null;
      if (this.sql('SELECT 1 FROM batches WHERE id = ?').get(batch.id)) {
        throw new StateStoreError('batch-exists', `A batch with id ${batch.id} exists already`);
      }
      const now = this.clock.now();
      this.sql(
        'INSERT INTO batches (id, flow_id, flow_name, total, status, max_concurrency, ' +
          "created_at, updated_at) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)",
      ).run(
        batch.id,
        batch.flowId,
        flowName,
        batch.runs.length,
        batch.maxConcurrency ?? null,
        now,
        now,
      );
      const insert = this.sql(INSERT_RUN);
      batch.runs.forEach((run, index) => {
        this.checkRunIdFree(run.id);
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
      return batchRecordOf(this.batchRow(batch.id)!);
    });
  }

  async getBatch(batchId: string): Promise<BatchRecord | undefined> {
    this.checkOpen();
    const row = this.batchRow(batchId);
    return row && batchRecordOf(row);
  }

  async listBatchRuns(batchId: string, options: ListBatchRunsOptions = {}): Promise<RunRecord[]> {
    this.checkOpen();
    const page = preparePage(options, 'listBatchRuns');
    const filter = prepareRunFilter({ status: options.status, batchId }, 'listBatchRuns');
    if (!this.batchRow(batchId)) {
      throw new StateStoreError('batch-not-found', `No batch with id ${batchId}`);
    }
    const where = runWhere(filter);
    const rows = this.sql(
      `SELECT ${RUN_COLUMNS} FROM runs ${where.sql} ORDER BY batch_index LIMIT ? OFFSET ?`,
    ).all(...where.params, page.limit, page.offset) as RunRow[];
    return rows.map(runRecordOf);
  }

  async updateBatchStatus(batchId: string, status: BatchStatus): Promise<BatchRecord> {
    return this.write(() => {
      const row = this.batchRow(batchId);
      if (!row) throw new StateStoreError('batch-not-found', `No batch with id ${batchId}`);
      checkBatchStatusChange(batchId, row.status, status);
      this.sql('UPDATE batches SET status = ?, updated_at = ? WHERE id = ?').run(
        status,
        this.clock.now(),
        batchId,
      );
      return batchRecordOf(this.batchRow(batchId)!);
    });
  }

  async createPendingAnswer(newAnswer: NewPendingAnswer): Promise<PendingAnswer> {
    const { request, schemaText } = preparePendingAnswer(newAnswer);
    return this.write(() => {
      this.requireRun(request.runId);
      this.sql(
        'INSERT OR IGNORE INTO pending_answers (run_id, step_id, prompt, schema, created_at, ' +
          'expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(
        request.runId,
        request.stepId,
        request.prompt,
        schemaText ?? null,
        this.clock.now(),
        request.expiresAt ?? null,
      );
      return pendingAnswerOf(this.answerRow(request.runId, request.stepId)!);
    });
  }

  async getPendingAnswer(runId: string, stepId: string): Promise<PendingAnswer | undefined> {
    this.checkOpen();
    const row = this.answerRow(runId, stepId);
    return row && pendingAnswerOf(row);
  }

  async listPendingAnswers(options: ListPendingAnswersOptions = {}): Promise<PendingAnswer[]> {
    this.checkOpen();
    const page = preparePage(options, 'listPendingAnswers');
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (options.runId !== undefined) {
      clauses.push('run_id = ?');
      params.push(options.runId);
    }
    if (options.answered !== undefined) {
      clauses.push(options.answered ? 'answer IS NOT NULL' : 'answer IS NULL');
    }
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const rows = this.sql(
      `SELECT * FROM pending_answers ${where} ORDER BY position LIMIT ? OFFSET ?`,
    ).all(...params, page.limit, page.offset) as AnswerRow[];
    return rows.map(pendingAnswerOf);
  }

  async submitAnswer(
    runId: string,
    stepId: string,
    answer: unknown,
    answeredBy?: string,
  ): Promise<SubmitAnswerResult> {
    const answerText = prepareAnswer(runId, stepId, answer, answeredBy);
    return this.write(() => {
      const { changes } = this.sql(
        'UPDATE pending_answers SET answer = ?, answered_by = ?, answered_at = ? ' +
          'WHERE run_id = ? AND step_id = ? AND answer IS NULL',
      ).run(answerText, answeredBy ?? null, this.clock.now(), runId, stepId);
      const row = this.answerRow(runId, stepId);
      if (!row) {
        throw new StateStoreError('answer-not-found', `Run ${runId} step ${stepId} asked nothing`);
      }
      return { accepted: changes === 1, record: pendingAnswerOf(row) };
    });
  }

  async acquireLease(runId: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    checkLeaseArgs(runId, owner, ttlMs);
    return this.write(() => {
      const row = this.requireRun(runId);
      const now = this.clock.now();
      const current = leaseOf(row);
      const live = current !== undefined && current.expiresAt > now;
      if (live && current.owner !== owner) return undefined;
      const acquiredAt = live ? current.acquiredAt : now;
      this.sql(
        'UPDATE runs SET lease_owner = ?, lease_acquired_at = ?, lease_expires_at = ? WHERE id = ?',
      ).run(owner, acquiredAt, now + ttlMs, runId);
      return { runId, owner, acquiredAt, expiresAt: now + ttlMs };
    });
  }

  async renewLease(runId: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    checkLeaseArgs(runId, owner, ttlMs);
    return this.write(() => {
      const now = this.clock.now();
      const { changes } = this.sql(
        'UPDATE runs SET lease_expires_at = ? ' +
          'WHERE id = ? AND lease_owner = ? AND lease_expires_at > ?',
      ).run(now + ttlMs, runId, owner, now);
      return changes === 1 ? leaseOf(this.runRow(runId)!) : undefined;
    });
  }

  async releaseLease(runId: string, owner: string): Promise<boolean> {
    checkLeaseArgs(runId, owner);
    return this.write(() => {
      const { changes } = this.sql(
        'UPDATE runs SET lease_owner = NULL, lease_acquired_at = NULL, lease_expires_at = NULL ' +
          'WHERE id = ? AND lease_owner = ?',
      ).run(runId, owner);
      return changes === 1;
    });
  }

  async getLease(runId: string): Promise<Lease | undefined> {
    this.checkOpen();
    const row = this.runRow(runId);
    return row && leaseOf(row);
  }

  async listUnleasedRuns(options: UnleasedRunsOptions = {}): Promise<RunRecord[]> {
    this.checkOpen();
    return this.unleased(options).map(runRecordOf);
  }

  async claimRuns(
    owner: string,
    ttlMs: number,
    options: UnleasedRunsOptions = {},
  ): Promise<RunRecord[]> {
    checkLeaseArgs('claim', owner, ttlMs);
    return this.write(() => {
      const now = this.clock.now();
      const claim = this.sql(
        'UPDATE runs SET lease_owner = ?, lease_acquired_at = ?, lease_expires_at = ? WHERE id = ?',
      );
      return this.unleased(options).map((row) => {
        claim.run(owner, now, now + ttlMs, row.id);
        return runRecordOf(row);
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private unleased(options: UnleasedRunsOptions): RunRow[] {
    const { limit } = preparePage({ limit: options.limit }, 'listUnleasedRuns');
    const statuses = toStatuses(options.status) ?? ['running'];
    const where = runWhere(prepareRunFilter({ status: statuses }, 'listUnleasedRuns'));
    return this.sql(
      `SELECT * FROM runs ${where.sql} AND (lease_expires_at IS NULL OR lease_expires_at <= ?) ` +
        'ORDER BY position LIMIT ?',
    ).all(...where.params, this.clock.now(), limit) as RunRow[];
  }

  private applyStatus(
    runId: string,
    status: RunStatus,
    resultText: string | undefined,
    wakeAt?: number | null,
  ): void {
    const now = this.clock.now();
    const final = isTerminalRunStatus(status);
    this.sql(
      'UPDATE runs SET status = ?, updated_at = ?, result = COALESCE(?, result), ' +
        'wake_at = CASE WHEN ? THEN NULL WHEN ? THEN ? ELSE wake_at END, ' +
        'completed_at = CASE WHEN ? THEN ? ELSE completed_at END, ' +
        'lease_owner = CASE WHEN ? THEN NULL ELSE lease_owner END, ' +
        'lease_acquired_at = CASE WHEN ? THEN NULL ELSE lease_acquired_at END, ' +
        'lease_expires_at = CASE WHEN ? THEN NULL ELSE lease_expires_at END WHERE id = ?',
    ).run(
      status,
      now,
      resultText ?? null,
      final ? 1 : 0,
      wakeAt !== undefined ? 1 : 0,
      wakeAt ?? null,
      final ? 1 : 0,
      now,
      final ? 1 : 0,
      final ? 1 : 0,
      final ? 1 : 0,
      runId,
    );
  }

  /** Stores a given flow document, or checks a given flow id; returns the flow's name. */
  private storeFlow(flow: PreparedFlow, what: string): string | undefined {
    if (flow.flowText !== undefined) {
      this.putText(flow.flowText, 'flow');
      return flow.flowName;
    }
    const row = this.sql('SELECT data FROM blobs WHERE id = ?').get(flow.flowId) as
      { data: string } | undefined;
    if (!row) {
      throw new StateStoreError('flow-not-found', `${what}: no flow with blob id ${flow.flowId}`);
    }
    return flow.flowName ?? flowNameOf(JSON.parse(row.data));
  }

  private putText(text: string, blobType: BlobType): string {
    const id = blobIdOfText(text);
    this.sql(
      'INSERT OR IGNORE INTO blobs (id, data, blob_type, created_at) VALUES (?, ?, ?, ?)',
    ).run(id, text, blobType, this.clock.now());
    return id;
  }

  private checkRunIdFree(runId: string): void {
    if (this.sql('SELECT 1 FROM runs WHERE id = ?').get(runId)) {
      throw new StateStoreError('run-exists', `A run with id ${runId} exists already`);
    }
  }

  private requireRun(runId: string): RunRow {
    const row = this.runRow(runId);
    if (!row) throw new StateStoreError('run-not-found', `No run with id ${runId}`);
    return row;
  }

  private runRow(runId: string): RunRow | undefined {
    return this.sql('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
  }

  private batchRow(batchId: string): BatchRow | undefined {
    return this.sql('SELECT * FROM batches WHERE id = ?').get(batchId) as BatchRow | undefined;
  }

  private answerRow(runId: string, stepId: string): AnswerRow | undefined {
    return this.sql('SELECT * FROM pending_answers WHERE run_id = ? AND step_id = ?').get(
      runId,
      stepId,
    ) as AnswerRow | undefined;
  }

  /** A prepared statement, prepared once per SQL text. */
  private sql(text: string): Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** Runs `body` in a `BEGIN IMMEDIATE` transaction: all of it is written, or none. */
  private write<T>(body: () => T): Promise<T> {
    this.checkOpen();
    return Promise.resolve(this.db.transaction(body).immediate());
  }

  private checkOpen(): void {
    if (this.closed) {
      throw new StateStoreError(
        'store-closed',
        `The SQLite state store (${this.location}) is closed`,
      );
    }
  }
}
