import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Flow, FlowResult } from '@stepflow/protocol';
import type { RunRecord, StateStore, StoreNotice, StoreWatch } from '@stepflow/state-store';
import { ApiError } from './api-error.ts';
import type { RunFences } from './run-fences.ts';
import type { RunSupervisor } from './run-supervisor.ts';
import { systemClaimerTimers, type ClaimerTimers } from './claimer-timers.ts';

/** Runs one runtime executes at once by default. */
export const DEFAULT_MAX_RUNS = 64;
/** How long a lease lives without renewal: a dead runtime's runs are free after this. */
export const DEFAULT_LEASE_TTL_MS = 30_000;
/** How often the claimer looks for work when no notice woke it. */
export const DEFAULT_CLAIM_POLL_MS = 1_000;

/** Options of {@link WorkClaimer}. */
export interface WorkClaimerOptions {
  readonly store: StateStore;
  readonly supervisor: RunSupervisor;
  /** Where the leases of the runs executing here are kept for the journal's fencing. */
  readonly fences: RunFences;
  /** The flow of a claimed run, by blob id. */
  readonly loadFlow: (flowId: string) => Promise<Flow>;
  /** This runtime's lease owner name (default `host:pid:random`). */
  readonly owner?: string;
  /** At most this many runs execute here at once (default {@link DEFAULT_MAX_RUNS}). */
  readonly maxRuns?: number;
  /** Lease lifetime without renewal (default {@link DEFAULT_LEASE_TTL_MS}). */
  readonly leaseTtlMs?: number;
  /** Renewal interval (default a third of the TTL). */
  readonly heartbeatMs?: number;
  /** Claim interval when no notice wakes the claimer (default {@link DEFAULT_CLAIM_POLL_MS}). */
  readonly pollMs?: number;
  /** Time and timers (default the system's, unref'd). */
  readonly timers?: ClaimerTimers;
  /** Every notice of the store's `watch` (e.g. events of runs executing elsewhere). */
  readonly onNotice?: (notice: StoreNotice) => void;
  /**
   * A run that executed here ended (or stopped here), and no other run of its batch executes
   * here: batches complete through it.
   */
  readonly onRunEnded?: (run: RunRecord) => void;
  /**
   * Whether a lease owner is a process known to be dead (e.g. one of this host whose pid is
   * gone): its leases are handed back at start-up instead of waiting for them to lapse.
   */
  readonly isDeadOwner?: (owner: string) => boolean;
  /** Failures of the background work (renewals, claims): logged, never thrown. */
  readonly onError?: (error: unknown, what: string) => void;
}

/** A unique lease owner name for this process: `host:pid:random`. */
export function defaultLeaseOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * Executes the runs of a store shared by several runtimes: claims runnable top-level runs (batch
 * runs included: the store honours each batch's `maxConcurrency` across runtimes) while fewer
 * than `maxRuns` execute here, resumes each from its journal under a fenced lease, renews every
 * lease in one call per heartbeat, and stops (without writing) the runs whose lease was lost.
 * Woken by the store's `work` notices, and by a poll as a safety net.
 */
export class WorkClaimer {
  readonly owner: string;
  readonly maxRuns: number;
  private readonly store: StateStore;
  private readonly ttl: number;
  private readonly timers: ClaimerTimers;
  /** Runs executing here under a lease. */
  private readonly executing = new Set<string>();
  /** How many runs of each batch execute here: a batch can only be done once none does. */
  private readonly batchRuns = new Map<string, number>();
  /** Free slots worth a claim when a run ends (the poll and notices claim any free slot). */
  private readonly claimBatch: number;
  /**
   * Nested runs a claim returned: their parent's step executes them, wherever it runs; the lease
   * is kept (renewed with the others) only so that no claim returns them again.
   */
  private readonly parked = new Set<string>();
  private readonly stops: (() => void)[] = [];
  private watch: StoreWatch | undefined;
  private claiming: Promise<void> | undefined;
  private again = false;
  private draining = false;
  private lastRenewal: number;
  /** Called once no run executes here any more (a drain waits for it). */
  private onIdle: (() => void) | undefined;

  constructor(private readonly options: WorkClaimerOptions) {
    this.owner = options.owner ?? defaultLeaseOwner();
    this.maxRuns = options.maxRuns ?? DEFAULT_MAX_RUNS;
    this.ttl = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    // One claim per eighth of the capacity rather than one per ended run: a claim is a
    // transaction, and runs ending one by one would otherwise each cost one.
    this.claimBatch = Math.max(1, Math.floor(this.maxRuns / 8));
    this.timers = options.timers ?? systemClaimerTimers;
    this.store = options.store;
    this.lastRenewal = this.timers.now();
  }

  /** Starts the heartbeat, the poll and the store's notices, then claims what is waiting. */
  async start(): Promise<void> {
    const { timers } = this;
    this.stops.push(
      timers.every(this.options.heartbeatMs ?? Math.floor(this.ttl / 3), () => {
        void this.heartbeat();
      }),
      timers.every(this.options.pollMs ?? DEFAULT_CLAIM_POLL_MS, () => void this.claim()),
    );
    await this.releaseDeadOwners();
    this.watch = await this.store.watch?.((notice) => {
      if (notice.type === 'work') void this.claim();
      this.options.onNotice?.(notice);
    });
    await this.claim();
  }

  /** Runs executing here now. */
  get activeCount(): number {
    return this.executing.size;
  }

  /** Whether this runtime takes more runs (not draining, below `maxRuns`). */
  get hasCapacity(): boolean {
    return !this.draining && this.executing.size < this.maxRuns;
  }

  /**
   * Takes the lease of a run just submitted here and executes it, when there is capacity; else
   * (or when another runtime claimed it first) leaves it to the queue. Resolves with the run's
   * `done` (see `RunSupervisor.start`) when it executes here, `undefined` when not. `fresh`: the
   * run was just recorded (see `StartRun.fresh`); else it resumes from its journal.
   */
  async tryExecute(
    record: RunRecord,
    flow: Flow,
    fresh = true,
  ): Promise<{ readonly done: Promise<FlowResult | undefined> } | undefined> {
    if (!this.hasCapacity) return undefined;
    const lease = await this.options.store.acquireLease(record.id, this.owner, this.ttl);
    if (lease === undefined) return undefined;
    // A later epoch than the first: another runtime took the run meanwhile and may have
    // journaled some of it, so it resumes from the journal.
    return { done: this.execute(record, flow, lease.epoch, fresh && lease.epoch === 1) };
  }

  /**
   * One claim pass (concurrent calls coalesce into one more pass): claims runs for the free
   * capacity and starts them, repeating while claims come back full.
   */
  claim(): Promise<void> {
    if (this.claiming !== undefined) {
      this.again = true;
      return this.claiming;
    }
    this.claiming = this.claimLoop()
      .catch((error: unknown) => this.options.onError?.(error, 'claiming runs'))
      .finally(() => {
        this.claiming = undefined;
      });
    return this.claiming;
  }

  /**
   * Renews every lease held here in one call; runs whose lease was lost stop here without
   * writing. When renewals failed for a whole TTL, every run is presumed lost.
   */
  async heartbeat(): Promise<void> {
    const before = new Set([...this.executing, ...this.parked]);
    let held: Set<string>;
    try {
      held = new Set(await this.store.renewLeases(this.owner, this.ttl));
      this.lastRenewal = this.timers.now();
    } catch (error) {
      this.options.onError?.(error, 'renewing leases');
      if (this.timers.now() - this.lastRenewal < this.ttl) return;
      held = new Set();
    }
    for (const runId of before) {
      if (held.has(runId)) continue;
      this.parked.delete(runId);
      if (this.executing.has(runId))
        void this.options.supervisor.abandon(runId, `the lease of run ${runId} was lost`);
    }
  }

  /** Claims nothing more (the service closed); leases stay held and renewed until `release`. */
  stopClaiming(): void {
    this.draining = true;
  }

  /**
   * Stops claiming and waits up to `graceMs` for the runs executing here to end. Resolves with
   * the number still executing (close the service and runtime, then {@link release} them).
   */
  async drain(graceMs: number): Promise<number> {
    this.draining = true;
    await this.watch?.close().catch(() => undefined);
    this.watch = undefined;
    await this.claiming;
    if (this.executing.size > 0)
      await new Promise<void>((resolve) => {
        const finish = (): void => {
          stopTimer();
          this.onIdle = undefined;
          resolve();
        };
        const stopTimer = this.timers.after(graceMs, finish);
        this.onIdle = finish;
      });
    return this.executing.size;
  }

  /** Stops the timers and hands every lease back, so other runtimes take the runs at once. */
  async release(): Promise<string[]> {
    this.draining = true;
    for (const stop of this.stops.splice(0)) stop();
    await this.watch?.close().catch(() => undefined);
    this.watch = undefined;
    try {
      return await this.store.releaseLeases(this.owner);
    } catch (error) {
      // They lapse on their own after the TTL.
      this.options.onError?.(error, 'releasing leases');
      return [];
    }
  }

  /** Hands back the leases of owners known to be dead (a restart after a kill -9). */
  private async releaseDeadOwners(): Promise<void> {
    const { isDeadOwner, store } = this.options;
    if (isDeadOwner === undefined) return;
    const owners = new Set<string>();
    for (let offset = 0; ; offset += 1000) {
      const page = await store.listRuns({ status: ['running', 'paused'], limit: 1000, offset });
      for (const run of page) if (run.leaseOwner !== undefined) owners.add(run.leaseOwner);
      if (page.length < 1000) break;
    }
    for (const owner of owners)
      if (owner !== this.owner && isDeadOwner(owner)) await this.store.releaseLeases(owner);
  }

  private async claimLoop(): Promise<void> {
    do {
      this.again = false;
      const free = this.maxRuns - this.executing.size;
      if (free <= 0 || this.draining) return;
      const runs = await this.options.store.claimRuns(this.owner, this.ttl, {
        status: 'running',
        limit: free,
      });
      for (const run of runs) await this.startClaimed(run);
      // A full claim may have left more behind (and nested runs took no capacity).
      if (runs.length > 0 && runs.length === free) this.again = true;
    } while (this.again && !this.draining);
  }

  /** Starts a claimed top-level run from its journal; parks a nested one. */
  private async startClaimed(run: RunRecord): Promise<void> {
    if (run.parentRunId !== undefined) {
      this.parked.add(run.id);
      return;
    }
    try {
      // The claim answers records; the fence needs the epoch the claim gave the lease.
      const lease = await this.options.store.getLease(run.id);
      if (lease?.owner !== this.owner) return;
      const flow = await this.options.loadFlow(run.flowId);
      // Nothing journaled when claimed (and a stale writer's append would conflict on its
      // sequence): it starts without reading its journal.
      void this.execute(run, flow, lease.epoch, run.lastSeq === 0);
    } catch (error) {
      this.options.onError?.(error, `starting run ${run.id}`);
      await this.options.store.releaseLease(run.id, this.owner).catch(() => false);
    }
  }

  /**
   * Executes a run here under its lease whatever the capacity (a debug run: a person drives it,
   * step by step): `start` runs once the lease is held. Refused (409) while another runtime
   * holds the run.
   */
  async startHeld(
    runId: string,
    start: () => Promise<FlowResult | undefined>,
  ): Promise<{ readonly done: Promise<FlowResult | undefined> }> {
    const lease = await this.store.acquireLease(runId, this.owner, this.ttl);
    if (lease === undefined) {
      const holder = (await this.store.getLease(runId))?.owner ?? 'another runtime';
      throw new ApiError(409, `Run ${runId} is executing in runtime ${holder}`);
    }
    return { done: this.track(runId, lease.epoch, start) };
  }

  private execute(
    run: RunRecord,
    flow: Flow,
    epoch: number,
    fresh: boolean,
  ): Promise<FlowResult | undefined> {
    const start = (): Promise<FlowResult | undefined> =>
      this.options.supervisor.start({ runId: run.id, flow, input: run.input, fresh });
    return this.track(run.id, epoch, start, run);
  }

  /** Starts a run under the lease this runtime took, and forgets it once it ended here. */
  private track(
    runId: string,
    epoch: number,
    start: () => Promise<FlowResult | undefined>,
    record?: RunRecord,
  ): Promise<FlowResult | undefined> {
    const { fences } = this.options;
    fences.hold(runId, { owner: this.owner, epoch });
    this.executing.add(runId);
    const ended = (): void => {
      fences.drop(runId);
      this.executing.delete(runId);
      if (this.executing.size === 0) this.onIdle?.();
    };
    let done: Promise<FlowResult | undefined>;
    try {
      done = start();
    } catch (error) {
      // The service is closing: the run stays in the queue for another runtime.
      ended();
      void this.store.releaseLease(runId, this.owner).catch(() => false);
      throw error;
    }
    const batchId = record?.batchId;
    if (batchId !== undefined) this.batchRuns.set(batchId, (this.batchRuns.get(batchId) ?? 0) + 1);
    void done.finally(() => {
      ended();
      // Another run of the batch still executing here ends later and reports then: whichever
      // runtime ends the batch's last run sees it done (each report follows its run's commit).
      const left = batchId === undefined ? 0 : this.batchRuns.get(batchId)! - 1;
      if (batchId !== undefined)
        if (left === 0) this.batchRuns.delete(batchId);
        else this.batchRuns.set(batchId, left);
      if (record !== undefined && left === 0) this.options.onRunEnded?.(record);
      const free = this.maxRuns - this.executing.size;
      if (!this.draining && (free >= this.claimBatch || this.executing.size === 0))
        void this.claim();
    });
    return done;
  }
}
