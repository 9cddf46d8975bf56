import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Lease, StateStore } from '@stepflow/state-store';

/** How long a lease lives without renewal: a dead process's runs are free after this. */
export const LEASE_TTL_MS = 30_000;
/** How often a live process renews its leases. */
export const LEASE_RENEW_MS = 10_000;

/** The owner name of this process's leases: `host:pid:random`, unique per process. */
export const LEASE_OWNER = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

/** A lease this process holds and renews until {@link HeldLease.release}. */
export interface HeldLease {
  readonly runId: string;
  /** Stops renewing and gives the lease up (errors ignored: it lapses on its own). */
  release(): Promise<void>;
}

/** Outcome of {@link holdRunLease}: the lease, or who holds it instead. */
export type LeaseAttempt =
  { readonly held: HeldLease } | { readonly heldBy: Lease | undefined; readonly held?: undefined };

/**
 * Takes the run's lease for this process and renews it on an unref'd timer (so it never keeps
 * the process alive). When another live owner holds it, reports that owner instead; a lease of a
 * dead process on this host is taken over at once.
 */
export async function holdRunLease(store: StateStore, runId: string): Promise<LeaseAttempt> {
  let lease = await store.acquireLease(runId, LEASE_OWNER, LEASE_TTL_MS);
  if (lease === undefined) {
    const current = await store.getLease(runId);
    if (current === undefined || !ownerIsDeadHere(current.owner)) return { heldBy: current };
    // Its owner was a process on this host that is gone (killed, crashed): no need to wait
    // for the lease to lapse. Released in its name, then taken like a free one.
    await store.releaseLease(runId, current.owner);
    lease = await store.acquireLease(runId, LEASE_OWNER, LEASE_TTL_MS);
    if (lease === undefined) return { heldBy: await store.getLease(runId) };
  }
  return { held: keepRenewing(store, runId) };
}

/** Whether a lease owner names a process of this host (`host:pid:…`) that no longer exists. */
export function ownerIsDeadHere(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists but is someone else's.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Renews a lease this process already holds (e.g. from `claimRuns`) until released. */
export function keepRenewing(store: StateStore, runId: string): HeldLease {
  const timer = setInterval(() => {
    store.renewLease(runId, LEASE_OWNER, LEASE_TTL_MS).catch(() => {
      // A failed renewal only shortens the lease; the run's journal writes stay guarded.
    });
  }, LEASE_RENEW_MS);
  timer.unref();
  return {
    runId,
    async release() {
      clearInterval(timer);
      await store.releaseLease(runId, LEASE_OWNER).catch(() => false);
    },
  };
}

/** The message refusing to execute a run another live process holds. */
export function leasedMessage(runId: string, lease: Lease | undefined): string {
  const owner = lease === undefined ? 'another process' : lease.owner;
  return `run ${runId} is being executed by ${owner} (its lease is live); not running it twice`;
}
