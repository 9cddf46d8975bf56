import type { Lease, LeaseStore, UnleasedRunsOptions } from '../lease-store.ts';
import type { RunRecord } from '../run-store.ts';
import { checkLeaseArgs, preparePage, prepareRunFilter, toStatuses } from '../store-input.ts';
import type { MemoryRun } from './memory-records.ts';
import type { MemoryTables } from './memory-tables.ts';

/** Leases in memory. */
export class MemoryLeaseStore implements LeaseStore {
  constructor(private readonly t: MemoryTables) {}

  async acquireLease(runId: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    this.t.checkOpen();
    checkLeaseArgs(runId, owner, ttlMs);
    const run = this.t.requireRun(runId);
    const now = this.t.clock.now();
    const live = this.t.liveLease(runId);
    if (live && live.owner !== owner) return undefined;
    // Only a renewal (same owner, live lease) keeps the epoch: any other take fences the past.
    if (!live) run.leaseEpoch += 1;
    const lease: Lease = {
      runId,
      owner,
      acquiredAt: live ? live.acquiredAt : now,
      expiresAt: now + ttlMs,
      epoch: run.leaseEpoch,
    };
    this.t.leases.set(runId, lease);
    return lease;
  }

  async renewLease(runId: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    this.t.checkOpen();
    checkLeaseArgs(runId, owner, ttlMs);
    const current = this.t.liveLease(runId);
    if (!current || current.owner !== owner) return undefined;
    const lease = { ...current, expiresAt: this.t.clock.now() + ttlMs };
    this.t.leases.set(runId, lease);
    return lease;
  }

  async releaseLease(runId: string, owner: string): Promise<boolean> {
    this.t.checkOpen();
    checkLeaseArgs(runId, owner);
    if (this.t.leases.get(runId)?.owner !== owner) return false;
    this.t.leases.delete(runId);
    this.t.notifier.notify({ type: 'work' });
    return true;
  }

  async renewLeases(owner: string, ttlMs: number): Promise<string[]> {
    this.t.checkOpen();
    checkLeaseArgs('renewLeases', owner, ttlMs);
    const expiresAt = this.t.clock.now() + ttlMs;
    return this.owned(owner, true).map((lease) => {
      this.t.leases.set(lease.runId, { ...lease, expiresAt });
      return lease.runId;
    });
  }

  async releaseLeases(owner: string): Promise<string[]> {
    this.t.checkOpen();
    checkLeaseArgs('releaseLeases', owner);
    const released = this.owned(owner, false).map((lease) => lease.runId);
    for (const runId of released) this.t.leases.delete(runId);
    if (released.length > 0) this.t.notifier.notify({ type: 'work' });
    return released;
  }

  async getLease(runId: string): Promise<Lease | undefined> {
    this.t.checkOpen();
    return this.t.leases.get(runId);
  }

  async listUnleasedRuns(options: UnleasedRunsOptions = {}): Promise<RunRecord[]> {
    this.t.checkOpen();
    const { limit, statuses } = this.query(options);
    return this.unleased(statuses)
      .slice(0, limit)
      .map((run) => this.t.record(run));
  }

  async claimRuns(
    owner: string,
    ttlMs: number,
    options: UnleasedRunsOptions = {},
  ): Promise<RunRecord[]> {
    this.t.checkOpen();
    checkLeaseArgs('claim', owner, ttlMs);
    const { limit, statuses } = this.query(options);
    const now = this.t.clock.now();
    // Live leases per limited batch, counted once and then kept up to date as runs are taken.
    const live = new Map<string, number>();
    const room = (batchId: string, max: number): boolean => {
      if (!live.has(batchId)) {
        let count = 0;
        for (const run of this.t.runs.values()) {
          if (run.batchId === batchId && this.t.liveLease(run.id)) count += 1;
        }
        live.set(batchId, count);
      }
      return live.get(batchId)! < max;
    };
    const claimed: MemoryRun[] = [];
    for (const run of this.unleased(statuses)) {
      if (claimed.length >= limit) break;
      const batch = run.batchId === undefined ? undefined : this.t.batches.get(run.batchId);
      if (batch?.status === 'cancelled') continue;
      if (batch?.maxConcurrency !== undefined && !room(batch.id, batch.maxConcurrency)) continue;
      if (batch) live.set(batch.id, (live.get(batch.id) ?? 0) + 1);
      run.leaseEpoch += 1;
      const lease = { runId: run.id, owner, acquiredAt: now, expiresAt: now + ttlMs };
      this.t.leases.set(run.id, { ...lease, epoch: run.leaseEpoch });
      claimed.push(run);
    }
    return claimed.map((run) => this.t.record(run));
  }

  private query(options: UnleasedRunsOptions) {
    const { limit } = preparePage({ limit: options.limit }, 'listUnleasedRuns');
    const statuses = toStatuses(options.status) ?? ['running'];
    prepareRunFilter({ status: statuses }, 'listUnleasedRuns');
    return { limit, statuses };
  }

  /** Runs with one of `statuses` and no live lease, oldest first. */
  private unleased(statuses: readonly string[]): MemoryRun[] {
    return [...this.t.runs.values()].filter(
      (run) => statuses.includes(run.status) && !this.t.liveLease(run.id),
    );
  }

  /** `owner`'s leases (only the live ones when `live`), oldest run first. */
  private owned(owner: string, live: boolean): Lease[] {
    const leases: Lease[] = [];
    for (const run of this.t.runs.values()) {
      const lease = live ? this.t.liveLease(run.id) : this.t.leases.get(run.id);
      if (lease?.owner === owner) leases.push(lease);
    }
    return leases;
  }
}
