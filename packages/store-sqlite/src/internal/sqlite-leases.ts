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
import type { SqliteConnection } from './sqlite-connection.ts';
import { leaseOf, runRecordOf, runWhere, type RunRow } from './sqlite-rows.ts';

/** Leases as columns of `runs`, so a claim is one transaction. */
export class SqliteLeaseStore implements LeaseStore {
  constructor(private readonly c: SqliteConnection) {}

  async acquireLease(runId: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    checkLeaseArgs(runId, owner, ttlMs);
    return this.c.write(() => {
      const row = this.c.requireRun(runId);
      const now = this.c.clock.now();
      const current = leaseOf(row);
      const live = current !== undefined && current.expiresAt > now;
      if (live && current.owner !== owner) return undefined;
      const acquiredAt = live ? current.acquiredAt : now;
      this.c
        .sql(
          'UPDATE runs SET lease_owner = ?, lease_acquired_at = ?, lease_expires_at = ? WHERE id = ?',
        )
        .run(owner, acquiredAt, now + ttlMs, runId);
      return { runId, owner, acquiredAt, expiresAt: now + ttlMs };
    });
  }

  async renewLease(runId: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    checkLeaseArgs(runId, owner, ttlMs);
    return this.c.write(() => {
      const now = this.c.clock.now();
      const { changes } = this.c
        .sql(
          'UPDATE runs SET lease_expires_at = ? ' +
            'WHERE id = ? AND lease_owner = ? AND lease_expires_at > ?',
        )
        .run(now + ttlMs, runId, owner, now);
      return changes === 1 ? leaseOf(this.c.runRow(runId)!) : undefined;
    });
  }

  async releaseLease(runId: string, owner: string): Promise<boolean> {
    checkLeaseArgs(runId, owner);
    return this.c.write(() => {
      const { changes } = this.c
        .sql(
          'UPDATE runs SET lease_owner = NULL, lease_acquired_at = NULL, lease_expires_at = NULL ' +
            'WHERE id = ? AND lease_owner = ?',
        )
        .run(runId, owner);
      return changes === 1;
    });
  }

  async getLease(runId: string): Promise<Lease | undefined> {
    this.c.checkOpen();
    const row = this.c.runRow(runId);
    return row && leaseOf(row);
  }

  async listUnleasedRuns(options: UnleasedRunsOptions = {}): Promise<RunRecord[]> {
    this.c.checkOpen();
    return this.unleased(options).map(runRecordOf);
  }

  async claimRuns(
    owner: string,
    ttlMs: number,
    options: UnleasedRunsOptions = {},
  ): Promise<RunRecord[]> {
    checkLeaseArgs('claim', owner, ttlMs);
    return this.c.write(() => {
      const now = this.c.clock.now();
      const claim = this.c.sql(
        'UPDATE runs SET lease_owner = ?, lease_acquired_at = ?, lease_expires_at = ? WHERE id = ?',
      );
      return this.unleased(options).map((row) => {
        claim.run(owner, now, now + ttlMs, row.id);
        return runRecordOf(row);
      });
    });
  }

  private unleased(options: UnleasedRunsOptions): RunRow[] {
    const { limit } = preparePage({ limit: options.limit }, 'listUnleasedRuns');
    const statuses = toStatuses(options.status) ?? ['running'];
    const where = runWhere(prepareRunFilter({ status: statuses }, 'listUnleasedRuns'));
    return this.c
      .sql(
        `SELECT * FROM runs ${where.sql} AND (lease_expires_at IS NULL OR lease_expires_at <= ?) ` +
          'ORDER BY position LIMIT ?',
      )
      .all(...where.params, this.c.clock.now(), limit) as RunRow[];
  }
}
