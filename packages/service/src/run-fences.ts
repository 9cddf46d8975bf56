import type { LeaseFence } from '@stepflow/runtime';

/**
 * The leases this process executes runs under, by run id: the journal fences each append of such
 * a run with its lease (`createStateStoreJournal(store, { fenceOf: fences.fenceOf })`), so once
 * another process took a run over, nothing this one writes for it lands.
 */
export class RunFences {
  private readonly fences = new Map<string, LeaseFence>();

  /** The lease the run executes under here, if any (bound: pass it around as is). */
  readonly fenceOf = (runId: string): LeaseFence | undefined => this.fences.get(runId);

  /** Records the lease this process took on a run. */
  hold(runId: string, fence: LeaseFence): void {
    this.fences.set(runId, fence);
  }

  /** Forgets a run that no longer executes here. */
  drop(runId: string): void {
    this.fences.delete(runId);
  }
}
