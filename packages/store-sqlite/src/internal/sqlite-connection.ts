import type { Database, Statement } from 'better-sqlite3';
import { blobIdOfText, type BlobType } from '@stepflow/blob-store';
import { isTerminalRunStatus, type RunStatus } from '@stepflow/protocol';
import {
  FlowNameCache,
  flowNameOf,
  StateStoreError,
  StoreNotifier,
  type PreparedFlow,
  type RunRecord,
  type StoreClock,
} from '@stepflow/state-store';
import { runRecordOf, type AnswerRow, type BatchRow, type RunRow } from './sqlite-rows.ts';

/**
 * One open SQLite database and what every part of the store shares: the prepared-statement
 * cache, transactions and the row helpers. better-sqlite3 is synchronous, so each transaction
 * runs to the end without yielding: calls from one process are serialised by the event loop,
 * calls from other processes by SQLite's write lock (`BEGIN IMMEDIATE`, up to the busy timeout).
 */
export class SqliteConnection {
  private readonly statements = new Map<string, Statement>();
  /** Names of the flows runs were created for (flow blobs never change). */
  readonly flowNames = new FlowNameCache();
  /** Watchers of this store object (SQLite has no cross-process notification). */
  readonly notifier = new StoreNotifier();
  closed = false;

  constructor(
    readonly db: Database,
    readonly clock: StoreClock,
    /** The file's absolute path (or `:memory:`), for messages. */
    readonly location: string,
  ) {}

  /** Sets a status; a final one also stamps `completed_at`, clears `wake_at`, drops the lease. */
  applyStatus(
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

  /** The record callers see, with the owner of the run's live lease as of now. */
  record(row: Omit<RunRow, 'lease_acquired_at' | 'lease_epoch'>): RunRecord {
    return runRecordOf(row, this.clock.now());
  }

  /** Stores a given flow document, or checks a given flow id; returns the flow's name. */
  storeFlow(flow: PreparedFlow, what: string): string | undefined {
    if (flow.flowText !== undefined) {
      this.putText(flow.flowText, 'flow');
      return flow.flowName;
    }
    const known = this.flowNames.get(flow.flowId);
    if (known !== undefined) return flow.flowName ?? known.name;
    const row = this.sql('SELECT data FROM blobs WHERE id = ?').get(flow.flowId) as
      { data: string } | undefined;
    if (!row) {
      throw new StateStoreError('flow-not-found', `${what}: no flow with blob id ${flow.flowId}`);
    }
    const name = flowNameOf(JSON.parse(row.data));
    this.flowNames.set(flow.flowId, name);
    return flow.flowName ?? name;
  }

  /** Stores blob text under its id (a no-op when present: the first type wins). */
  putText(text: string, blobType: BlobType): string {
    const id = blobIdOfText(text);
    this.sql(
      'INSERT OR IGNORE INTO blobs (id, data, blob_type, created_at) VALUES (?, ?, ?, ?)',
    ).run(id, text, blobType, this.clock.now());
    return id;
  }

  /** Throws `run-exists` when the id is taken. */
  checkRunIdFree(runId: string): void {
    if (this.sql('SELECT 1 FROM runs WHERE id = ?').get(runId)) {
      throw new StateStoreError('run-exists', `A run with id ${runId} exists already`);
    }
  }

  /** The run's row, or `run-not-found`. */
  requireRun(runId: string): RunRow {
    const row = this.runRow(runId);
    if (!row) throw new StateStoreError('run-not-found', `No run with id ${runId}`);
    return row;
  }

  /** The run's row, or `undefined`. */
  runRow(runId: string): RunRow | undefined {
    return this.sql('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
  }

  /** The batch's row, or `undefined`. */
  batchRow(batchId: string): BatchRow | undefined {
    return this.sql('SELECT * FROM batches WHERE id = ?').get(batchId) as BatchRow | undefined;
  }

  /** The question's row, or `undefined`. */
  answerRow(runId: string, stepId: string): AnswerRow | undefined {
    return this.sql('SELECT * FROM pending_answers WHERE run_id = ? AND step_id = ?').get(
      runId,
      stepId,
    ) as AnswerRow | undefined;
  }

  /** A prepared statement, prepared once per SQL text. */
  sql(text: string): Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** Runs `body` in a `BEGIN IMMEDIATE` transaction: all of it is written, or none. */
  write<T>(body: () => T): Promise<T> {
    this.checkOpen();
    return Promise.resolve(this.db.transaction(body).immediate());
  }

  /** Throws `store-closed` once the store is closed. */
  checkOpen(): void {
    if (this.closed) {
      throw new StateStoreError(
        'store-closed',
        `The SQLite state store (${this.location}) is closed`,
      );
    }
  }

  /** Closes the database; later calls fail with `store-closed`. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.notifier.clear();
    this.db.close();
  }
}
