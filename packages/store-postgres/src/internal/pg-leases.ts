import type { RunStatus } from '@stepflow/protocol';
import {
  checkLeaseArgs,
  preparePage,
  prepareRunFilter,
  toStatuses,
  type Lease,
  type LeaseStore,
  type RunRecord,
  type UnleasedRunsOptions,
} from '@stepflow/state-store';
import type { PostgresConnection, Queryable } from './pg-connection.ts';
import { leaseOf, RUN_COLUMNS, runWhere, type RunRow } from './pg-rows.ts';

const LEASE_COLUMNS = 'id, lease_owner, lease_acquired_at, lease_expires_at, lease_epoch';

/** Leases as columns of `runs`; claims use `FOR UPDATE SKIP LOCKED`. */
export class PostgresLeaseStore implements LeaseStore {
  constructor(private readonly c: PostgresConnection) {}

  async acquireLease(runId: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    checkLeaseArgs(runId, owner, ttlMs);
    const db = this.c.open();
    const now = this.c.clock.now();
    // SET sees the old row: only a renewal (same owner, live lease) keeps acquiredAt and epoch.
    const { rows } = await db.query<RunRow>(
      `UPDATE ${this.c.t('runs')} SET lease_owner = $2,
         lease_acquired_at = CASE WHEN lease_owner = $2 AND lease_expires_at > $3
                                  THEN lease_acquired_at ELSE $3 END,
         lease_epoch = CASE WHEN lease_owner = $2 AND lease_expires_at > $3
                            THEN lease_epoch ELSE lease_epoch + 1 END,
         lease_expires_at = $4
       WHERE id = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at <= $3)
       RETURNING ${LEASE_COLUMNS}`,
      [runId, owner, now, now + ttlMs],
    );
    if (rows[0]) return leaseOf(rows[0]);
    await this.c.requireRun(db, runId);
    return undefined;
  }

  async renewLease(runId: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    checkLeaseArgs(runId, owner, ttlMs);
    const now = this.c.clock.now();
    const { rows } = await this.c.open().query<RunRow>(
      `UPDATE ${this.c.t('runs')} SET lease_expires_at = $3
        WHERE id = $1 AND lease_owner = $2 AND lease_expires_at > $4
        RETURNING ${LEASE_COLUMNS}`,
      [runId, owner, now + ttlMs, now],
    );
    return rows[0] && leaseOf(rows[0]);
  }

  async releaseLease(runId: string, owner: string): Promise<boolean> {
    checkLeaseArgs(runId, owner);
    const db = this.c.open();
    const { rowCount } = await db.query(
      `UPDATE ${this.c.t('runs')} SET lease_owner = NULL, lease_acquired_at = NULL,
         lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2`,
      [runId, owner],
    );
    // After the commit: a wake-up for claimers, nothing to be atomic with.
    if (rowCount === 1) await this.c.notify(db, [{ type: 'work' }]);
    return rowCount === 1;
  }

  async renewLeases(owner: string, ttlMs: number): Promise<string[]> {
    checkLeaseArgs('renewLeases', owner, ttlMs);
    const now = this.c.clock.now();
    const { rows } = await this.c.open().query<{ id: string; position: string }>(
      `UPDATE ${this.c.t('runs')} SET lease_expires_at = $2
        WHERE lease_owner = $1 AND lease_expires_at > $3 RETURNING id, position`,
      [owner, now + ttlMs, now],
    );
    return idsInOrder(rows);
  }

  async releaseLeases(owner: string): Promise<string[]> {
    checkLeaseArgs('releaseLeases', owner);
    const db = this.c.open();
    const { rows } = await db.query<{ id: string; position: string }>(
      `UPDATE ${this.c.t('runs')} SET lease_owner = NULL, lease_acquired_at = NULL,
         lease_expires_at = NULL WHERE lease_owner = $1 RETURNING id, position`,
      [owner],
    );
    if (rows.length > 0) await this.c.notify(db, [{ type: 'work' }]);
    return idsInOrder(rows);
  }

  async getLease(runId: string): Promise<Lease | undefined> {
    const row = await this.c.runRow(this.c.open(), runId);
    return row && leaseOf(row);
  }

  async listUnleasedRuns(options: UnleasedRunsOptions = {}): Promise<RunRecord[]> {
    const db = this.c.open();
    const { statuses, limit } = query(options);
    const where = runWhere(prepareRunFilter({ status: statuses }, 'listUnleasedRuns'));
    where.params.push(this.c.clock.now());
    const { rows } = await db.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM ${this.c.t('runs')} ${where.sql}
          AND (lease_expires_at IS NULL OR lease_expires_at <= $${where.params.length})
        ORDER BY position LIMIT ${limit}`,
      where.params,
    );
    return rows.map((row) => this.c.record(row));
  }

  async claimRuns(
    owner: string,
    ttlMs: number,
    options: UnleasedRunsOptions = {},
  ): Promise<RunRecord[]> {
    checkLeaseArgs('claim', owner, ttlMs);
    const { statuses, limit } = query(options);
    return this.c.tx(async (db) => {
      const now = this.c.clock.now();
      const limited = await this.lockLimitedBatches(db, statuses, now);
      const runs = this.c.t('runs');
      // One status (the usual `running`) as an equality, so the (status, position) index gives
      // runs in order and the scan stops at the limit.
      const status = statuses.length === 1 ? 'r.status = $1::text' : 'r.status = ANY($1::text[])';
      const unleased = `${status} AND (r.lease_expires_at IS NULL OR r.lease_expires_at <= $2)`;
      // The oldest free runs outside limited batches, plus for each limited batch locked above
      // its oldest free runs up to the room left in it (its limit minus its live leases); then
      // the oldest of both. Each branch locks as it scans (SKIP LOCKED passes over rows other
      // claimers or writers hold, and a row changed meanwhile is re-checked once locked), so
      // concurrent claimers get disjoint runs. A limited batch not locked above is left alone.
      const { rows } = await db.query<RunRow & { position: string }>(
        `WITH room AS (
           SELECT b.id, b.max_concurrency - (SELECT COUNT(*) FROM ${runs} l
                    WHERE l.batch_id = b.id AND l.lease_expires_at > $2) AS n
             FROM ${this.c.t('batches')} b WHERE b.id = ANY($3::text[])),
         free AS (
           SELECT r.id, r.position FROM ${runs} r
             LEFT JOIN ${this.c.t('batches')} b ON b.id = r.batch_id
            WHERE ${unleased}
              AND (b.id IS NULL OR (b.status <> 'cancelled' AND b.max_concurrency IS NULL))
            ORDER BY r.position LIMIT ${limit}
            FOR UPDATE OF r SKIP LOCKED),
         batched AS (
           SELECT c.id, c.position FROM room, LATERAL (
             SELECT r.id, r.position FROM ${runs} r WHERE r.batch_id = room.id AND ${unleased}
              ORDER BY r.batch_index LIMIT LEAST(GREATEST(room.n, 0), ${limit})
              FOR UPDATE OF r SKIP LOCKED) c),
         picked AS (
           SELECT id FROM (SELECT * FROM free UNION ALL SELECT * FROM batched) AS candidates
            ORDER BY position LIMIT ${limit})
         UPDATE ${runs} r SET lease_owner = $4, lease_acquired_at = $2, lease_expires_at = $5,
                lease_epoch = r.lease_epoch + 1
           FROM picked WHERE r.id = picked.id
         RETURNING r.position, ${RUN_COLUMNS.split(', ')
           .map((c) => `r.${c}`)
           .join(', ')}`,
        [statuses.length === 1 ? statuses[0] : statuses, now, limited, owner, now + ttlMs],
      );
      rows.sort((a, b) => Number(a.position) - Number(b.position));
      return rows.map((row) => this.c.record(row));
    });
  }

  /**
   * Locks (in id order, so claimers cannot deadlock) the rows of the batches (not cancelled)
   * with a `maxConcurrency` that have runs to claim, and returns their ids. Claimers touching the same
   * limited batch thus take turns: each counts the batch's live leases after the previous one
   * committed, so together they never exceed the limit. Row locks rather than advisory locks:
   * they need no key scheme, end with the transaction, and `updateBatchStatus` (cancel) already
   * takes the same lock, so a cancel and a claim are ordered too.
   */
  private async lockLimitedBatches(
    db: Queryable,
    statuses: readonly RunStatus[],
    now: number,
  ): Promise<string[]> {
    const { rows } = await db.query<{ id: string }>(
      `SELECT b.id FROM ${this.c.t('batches')} b
        WHERE b.status <> 'cancelled' AND b.max_concurrency IS NOT NULL
          AND EXISTS (SELECT 1 FROM ${this.c.t('runs')} r
                       WHERE r.batch_id = b.id AND r.status = ANY($1::text[])
                         AND (r.lease_expires_at IS NULL OR r.lease_expires_at <= $2))
        ORDER BY b.id FOR UPDATE OF b`,
      [statuses, now],
    );
    return rows.map((row) => row.id);
  }
}

function query(options: UnleasedRunsOptions): { statuses: RunStatus[]; limit: number } {
  const { limit } = preparePage({ limit: options.limit }, 'listUnleasedRuns');
  const statuses = [...(toStatuses(options.status) ?? ['running'])];
  prepareRunFilter({ status: statuses }, 'listUnleasedRuns');
  return { statuses, limit };
}

/** Ids ordered by creation (`RETURNING` gives no order). */
function idsInOrder(rows: readonly { id: string; position: string }[]): string[] {
  return [...rows].sort((a, b) => Number(a.position) - Number(b.position)).map((row) => row.id);
}
