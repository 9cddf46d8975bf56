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
import { leaseOf, runWhere, type RunRow } from './sqlite-rows.ts';

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
      // Only a renewal (same owner, live lease) keeps the epoch: any other take fences the past.
      const acquiredAt = live ? current.acquiredAt : now;
      const epoch = live ? current.epoch : row.lease_epoch + 1;
      this.c
        .sql(
          'UPDATE runs SET lease_owner = ?, lease_acquired_at = ?, lease_expires_at = ?, ' +
            'lease_epoch = ? WHERE id = ?',
        )
        .run(owner, acquiredAt, now + ttlMs, epoch, runId);
      return { runId, owner, acquiredAt, expiresAt: now + ttlMs, epoch };
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
    const { changes } = await this.c.write(() =>
      this.c
        .sql(
          'UPDATE runs SET lease_owner = NULL, lease_acquired_at = NULL, lease_expires_at = NULL ' +
            'WHERE id = ? AND lease_owner = ?',
        )
        .run(runId, owner),
    );
    if (changes === 1) this.c.notifier.notify({ type: 'work' });
    return changes === 1;
  }

  async renewLeases(owner: string, ttlMs: number): Promise<string[]> {
    checkLeaseArgs('renewLeases', owner, ttlMs);
    return this.c.write(() => {
      const now = this.c.clock.now();
      const rows = this.c
        .sql(
          'UPDATE runs SET lease_expires_at = ? WHERE lease_owner = ? AND lease_expires_at > ? ' +
            'RETURNING id, position',
        )
        .all(now + ttlMs, owner, now) as { id: string; position: number }[];
      return idsInOrder(rows);
    });
  }

  async releaseLeases(owner: string): Promise<string[]> {
    checkLeaseArgs('releaseLeases', owner);
    const released = await this.c.write(() => {
      const rows = this.c
        .sql(
          'UPDATE runs SET lease_owner = NULL, lease_acquired_at = NULL, lease_expires_at = NULL ' +
            'WHERE lease_owner = ? RETURNING id, position',
        )
        .all(owner) as { id: string; position: number }[];
      return idsInOrder(rows);
    });
    if (released.length > 0) this.c.notifier.notify({ type: 'work' });
    return released;
  }

  async getLease(runId: string): Promise<Lease | undefined> {
    this.c.checkOpen();
    const row = this.c.runRow(runId);
    return row && leaseOf(row);
  }

  async listUnleasedRuns(options: UnleasedRunsOptions = {}): Promise<RunRecord[]> {
    this.c.checkOpen();
    const { limit, where } = query(options);
    const rows = this.c
      .sql(
        `SELECT * FROM runs ${where.sql} AND (lease_expires_at IS NULL OR lease_expires_at <= ?) ` +
          'ORDER BY position LIMIT ?',
      )
      .all(...where.params, this.c.clock.now(), limit) as RunRow[];
    return rows.map((row) => this.c.record(row));
  }

  async claimRuns(
    owner: string,
    ttlMs: number,
    options: UnleasedRunsOptions = {},
  ): Promise<RunRecord[]> {
    checkLeaseArgs('claim', owner, ttlMs);
    const { limit, statuses } = query(options);
    return this.c.write(() => {
      const now = this.c.clock.now();
      // One writer at a time (BEGIN IMMEDIATE), so counting a batch's live leases and taking
      // runs up to its limit cannot interleave with another claimer. The oldest free runs
      // outside limited batches, plus per limited batch its oldest free runs up to the room
      // left in it; then the oldest of both. Each query walks an index and stops early, so a
      // large backlog costs no more than a small one.
      const unleased = (r: string): string =>
        `${r}status IN (${statuses.map(() => '?').join(', ')}) ` +
        `AND (${r}lease_expires_at IS NULL OR ${r}lease_expires_at <= ?)`;
      const free = this.c
        .sql(
          `SELECT r.id, r.position FROM runs r LEFT JOIN batches b ON b.id = r.batch_id
            WHERE ${unleased('r.')}
              AND (b.id IS NULL OR (b.status <> 'cancelled' AND b.max_concurrency IS NULL))
            ORDER BY r.position LIMIT ?`,
        )
        .all(...statuses, now, limit) as { id: string; position: number }[];
      const rooms = this.c
        .sql(
          `SELECT b.id, b.max_concurrency - (SELECT COUNT(*) FROM runs l
                    WHERE l.batch_id = b.id AND l.lease_expires_at > ?) AS room
             FROM batches b WHERE b.status <> 'cancelled' AND b.max_concurrency IS NOT NULL
              AND EXISTS (SELECT 1 FROM runs WHERE batch_id = b.id AND ${unleased('')})`,
        )
        .all(now, ...statuses, now) as { id: string; room: number }[];
      const batched = this.c.sql(
        `SELECT id, position FROM runs WHERE batch_id = ? AND ${unleased('')}
          ORDER BY batch_index LIMIT ?`,
      );
      const candidates = [...free];
      for (const { id, room } of rooms) {
        if (room <= 0) continue;
        candidates.push(
          ...(batched.all(id, ...statuses, now, Math.min(room, limit)) as typeof free),
        );
      }
      candidates.sort((a, b) => a.position - b.position);
      const claim = this.c.sql(
        'UPDATE runs SET lease_owner = ?, lease_acquired_at = ?, lease_expires_at = ?, ' +
          'lease_epoch = lease_epoch + 1 WHERE id = ?',
      );
      return candidates.slice(0, limit).map(({ id }) => {
        claim.run(owner, now, now + ttlMs, id);
        return this.c.record(this.c.runRow(id)!);
      });
    });
  }
}

function query(options: UnleasedRunsOptions) {
  const { limit } = preparePage({ limit: options.limit }, 'listUnleasedRuns');
  const statuses = toStatuses(options.status) ?? ['running'];
  const where = runWhere(prepareRunFilter({ status: statuses }, 'listUnleasedRuns'));
  return { limit, statuses, where };
}

/** Ids ordered by creation (`RETURNING` gives no order). */
function idsInOrder(rows: readonly { id: string; position: number }[]): string[] {
  return [...rows].sort((a, b) => a.position - b.position).map((row) => row.id);
}
