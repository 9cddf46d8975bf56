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
import type { PostgresConnection } from './pg-connection.ts';
import { leaseOf, RUN_COLUMNS, runRecordOf, runWhere, type RunRow } from './pg-rows.ts';

/** Leases as columns of `runs`; claims use `FOR UPDATE SKIP LOCKED`. */
export class PostgresLeaseStore implements LeaseStore {
  constructor(private readonly c: PostgresConnection) {}

  async acquireLease(runId: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    checkLeaseArgs(runId, owner, ttlMs);
    const db = this.c.open();
    const now = this.c.clock.now();
    // SET sees the old row: an owner renewing a live lease keeps its acquiredAt.
    const { rows } = await db.query<RunRow>(
      `UPDATE ${this.c.t('runs')} SET lease_owner = $2,
         lease_acquired_at = CASE WHEN lease_owner = $2 AND lease_expires_at > $3
                                  THEN lease_acquired_at ELSE $3 END,
         lease_expires_at = $4
       WHERE id = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at <= $3)
       RETURNING id, lease_owner, lease_acquired_at, lease_expires_at`,
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
        RETURNING id, lease_owner, lease_acquired_at, lease_expires_at`,
      [runId, owner, now + ttlMs, now],
    );
    return rows[0] && leaseOf(rows[0]);
  }

  async releaseLease(runId: string, owner: string): Promise<boolean> {
    checkLeaseArgs(runId, owner);
    const { rowCount } = await this.c.open().query(
      `UPDATE ${this.c.t('runs')} SET lease_owner = NULL, lease_acquired_at = NULL,
         lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2`,
      [runId, owner],
    );
    return rowCount === 1;
  }

  async getLease(runId: string): Promise<Lease | undefined> {
    const row = await this.c.runRow(this.c.open(), runId);
    return row && leaseOf(row);
  }

  async listUnleasedRuns(options: UnleasedRunsOptions = {}): Promise<RunRecord[]> {
    const db = this.c.open();
    const { sql, params, limit } = this.unleased(options);
    const { rows } = await db.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM ${this.c.t('runs')} ${sql} ORDER BY position LIMIT ${limit}`,
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
    const db = this.c.open();
    const { sql, params, limit } = this.unleased(options);
    const now = params[params.length - 1] as number;
    params.push(owner, now + ttlMs);
    // SKIP LOCKED: concurrent claimers pass over rows another claimer is taking.
    const { rows } = await db.query<RunRow & { position: string }>(
      `WITH picked AS (
         SELECT id FROM ${this.c.t('runs')} ${sql} ORDER BY position LIMIT ${limit}
         FOR UPDATE SKIP LOCKED)
       UPDATE ${this.c.t('runs')} r SET lease_owner = $${params.length - 1},
         lease_acquired_at = $${params.length - 2}, lease_expires_at = $${params.length}
         FROM picked WHERE r.id = picked.id RETURNING r.position, ${RUN_COLUMNS.split(', ')
           .map((c) => `r.${c}`)
           .join(', ')}`,
      params,
    );
    rows.sort((a, b) => Number(a.position) - Number(b.position));
    return rows.map(runRecordOf);
  }

  private unleased(options: UnleasedRunsOptions): {
    sql: string;
    params: unknown[];
    limit: number;
  } {
    const { limit } = preparePage({ limit: options.limit }, 'listUnleasedRuns');
    const statuses = toStatuses(options.status) ?? ['running'];
    const where = runWhere(prepareRunFilter({ status: statuses }, 'listUnleasedRuns'));
    where.params.push(this.c.clock.now());
    const now = `$${where.params.length}`;
    return {
      sql: `${where.sql} AND (lease_expires_at IS NULL OR lease_expires_at <= ${now})`,
      params: where.params,
      limit,
    };
  }
}
