import type { Pool, PoolClient } from 'pg';
import { blobIdOfText, type BlobType } from '@stepflow/blob-store';
import { isTerminalRunStatus, type RunStatus } from '@stepflow/protocol';
import {
  FlowNameCache,
  flowNameOf,
  StateStoreError,
  type PreparedFlow,
  type RunRecord,
  type StoreClock,
  type StoreNotice,
} from '@stepflow/state-store';
import { packNotices } from './pg-notices.ts';
import { RUN_COLUMNS, runRecordOf, type AnswerRow, type BatchRow, type RunRow } from './pg-rows.ts';

/** A pooled connection or the pool itself: what a query runs on. */
export type Queryable = Pick<PoolClient, 'query'>;

/** The SQLSTATE of a driver error (`23505` unique violation, `23503` foreign key, …). */
export function pgCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String(error.code)
    : undefined;
}

/**
 * The pool and what every part of the store shares: transactions, table names and row helpers.
 * Writes run in transactions on one pooled connection with the rows they depend on locked
 * (`FOR UPDATE`), so concurrent writers in any number of processes are serialised per run.
 */
export class PostgresConnection {
  /** Names of the flows runs were created for (flow blobs never change). */
  readonly flowNames = new FlowNameCache();
  closed = false;

  constructor(
    readonly pool: Pool,
    readonly clock: StoreClock,
    private readonly schema: string,
    /** The server and schema (password redacted), for messages. */
    readonly where: string,
    /** The NOTIFY channel of this schema (the schema's name, unquoted). */
    readonly channel: string,
  ) {}

  /** The record callers see, with the owner of the run's live lease as of now. */
  record(row: Omit<RunRow, 'lease_acquired_at' | 'lease_epoch'>): RunRecord {
    return runRecordOf(row, this.clock.now());
  }

  /**
   * Sends notices to every process listening on this schema's channel, in one statement. Inside a
   * transaction they are delivered at commit, and not at all on rollback.
   */
  async notify(db: Queryable, notices: readonly StoreNotice[]): Promise<void> {
    if (notices.length === 0) return;
    await db.query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [
      this.channel,
      packNotices(notices),
    ]);
  }

  /** The schema-qualified name of a table. */
  t(table: string): string {
    return `${this.schema}.${table}`;
  }

  /** Sets a status; a final one also stamps `completed_at`, clears `wake_at`, drops the lease. */
  async applyStatus(
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
  async storeFlow(db: Queryable, flow: PreparedFlow, what: string) {
    if (flow.flowText !== undefined) {
      await this.putText(db, flow.flowText, 'flow');
      return flow.flowName;
    }
    const known = this.flowNames.get(flow.flowId);
    if (known !== undefined) return flow.flowName ?? known.name;
    const { rows } = await db.query<{ data: string }>(
      `SELECT data FROM ${this.t('blobs')} WHERE id = $1`,
      [flow.flowId],
    );
    if (!rows[0]) {
      throw new StateStoreError('flow-not-found', `${what}: no flow with blob id ${flow.flowId}`);
    }
    const name = flowNameOf(JSON.parse(rows[0].data));
    this.flowNames.set(flow.flowId, name);
    return flow.flowName ?? name;
  }

  /** Stores blob text under its id (a no-op when present: the first type wins). */
  async putText(db: Queryable, text: string, blobType: BlobType): Promise<string> {
    const id = blobIdOfText(text);
    await db.query(
      `INSERT INTO ${this.t('blobs')} (id, data, blob_type, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO NOTHING`,
      [id, text, blobType, this.clock.now()],
    );
    return id;
  }

  /** Runs an insert, turning a unique violation into `run-exists` / `batch-exists`. */
  async uniquely<T>(
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

  /** The run's row (optionally locked), or `run-not-found`. */
  async requireRun(db: Queryable, runId: string, lock = false): Promise<RunRow> {
    const row = await this.runRow(db, runId, lock);
    if (!row) throw new StateStoreError('run-not-found', `No run with id ${runId}`);
    return row;
  }

  /** The run's row (optionally locked), or `undefined`. */
  async runRow(db: Queryable, runId: string, lock = false): Promise<RunRow | undefined> {
    const { rows } = await db.query<RunRow>(
      `SELECT * FROM ${this.t('runs')} WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [runId],
    );
    return rows[0];
  }

  /** The batch's row (optionally locked), or `undefined`. */
  async batchRow(db: Queryable, batchId: string, lock = false) {
    const { rows } = await db.query<BatchRow>(
      `SELECT * FROM ${this.t('batches')} WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [batchId],
    );
    return rows[0];
  }

  /** The question's row, or `undefined`. */
  async answerRow(db: Queryable, runId: string, stepId: string) {
    const { rows } = await db.query<AnswerRow>(
      `SELECT * FROM ${this.t('pending_answers')} WHERE run_id = $1 AND step_id = $2`,
      [runId, stepId],
    );
    return rows[0];
  }

  /** Runs `body` in a transaction on one pooled connection: all of it is written, or none. */
  async tx<T>(body: (db: Queryable) => Promise<T>): Promise<T> {
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

  /** The pool, or `store-closed` once the store is closed. */
  open(): Pool {
    if (this.closed) {
      throw new StateStoreError(
        'store-closed',
        `The PostgreSQL state store (${this.where}) is closed`,
      );
    }
    return this.pool;
  }

  /** Closes the pool; later calls fail with `store-closed`. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
