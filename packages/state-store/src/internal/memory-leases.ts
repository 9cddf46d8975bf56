import type { Lease, LeaseStore, UnleasedRunsOptions } from '../lease-store.ts';
import type { RunRecord } from '../run-store.ts';
import { checkLeaseArgs, preparePage, prepareRunFilter, toStatuses } from '../store-input.ts';
import { runRecordOf, type MemoryRun } from './memory-records.ts';
import type { MemoryTables } from './memory-tables.ts';

/** Leases in memory. */
export class MemoryLeaseStore implements LeaseStore {
  constructor(private readonly t: MemoryTables) {}

  async acquireLease(runId: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    this.t.checkOpen();
    checkLeaseArgs(runId, owner, ttlMs);
    this.t.requireRun(runId);
    const now = this.t.clock.now();
    const current = this.t.leases.get(runId);
    if (current && current.owner !== owner && current.expiresAt > now) return undefined;
    const lease: Lease = {
      runId,
      owner,
      acquiredAt: current?.owner === owner && current.expiresAt > now ? current.acquiredAt : now,
      expiresAt: now + ttlMs,
    };
    this.t.leases.set(runId, lease);
    return lease;
  }

  async renewLease(runId: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    this.t.checkOpen();
    checkLeaseArgs(runId, owner, ttlMs);
    const now = this.t.clock.now();
    const current = this.t.leases.get(runId);
    if (!current || current.owner !== owner || current.expiresAt <= now) return undefined;
    const lease = { ...current, expiresAt: now + ttlMs };
    this.t.leases.set(runId, lease);
    return lease;
  }

  async releaseLease(runId: string, owner: string): Promise<boolean> {
    this.t.checkOpen();
    checkLeaseArgs(runId, owner);
    if (this.t.leases.get(runId)?.owner !== owner) return false;
    this.t.leases.delete(runId);
    return true;
  }

  async getLease(runId: string): Promise<Lease | undefined> {
    this.t.checkOpen();
    return this.t.leases.get(runId);
  }

  async listUnleasedRuns(options: UnleasedRunsOptions = {}): Promise<RunRecord[]> {
    this.t.checkOpen();
    return this.unleased(options).map(runRecordOf);
  }

  async claimRuns(
    owner: string,
    ttlMs: number,
    options: UnleasedRunsOptions = {},
  ): Promise<RunRecord[]> {
    this.t.checkOpen();
    checkLeaseArgs('claim', owner, ttlMs);
    const now = this.t.clock.now();
    const claimed = this.unleased(options);
    for (const run of claimed) {
      this.t.leases.set(run.id, { runId: run.id, owner, acquiredAt: now, expiresAt: now + ttlMs });
    }
    return claimed.map(runRecordOf);
  }

  private unleased(options: UnleasedRunsOptions): MemoryRun[] {
    const { limit } = preparePage({ limit: options.limit }, 'listUnleasedRuns');
    const statuses = toStatuses(options.status) ?? ['running'];
    prepareRunFilter({ status: statuses }, 'listUnleasedRuns');
    const now = this.t.clock.now();
    return [...this.t.runs.values()]
      .filter((run) => {
        const lease = this.t.leases.get(run.id);
        return statuses.includes(run.status) && (!lease || lease.expiresAt <= now);
      })
      .slice(0, limit);
  }
}
