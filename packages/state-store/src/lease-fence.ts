import { StateStoreError } from './state-store-error.ts';

/** A run's current lease as the fence check sees it (expiry does not matter to it). */
export interface FenceHolder {
  /** The lease owner, `undefined` (or `null`) when the run has none. */
  readonly owner: string | null | undefined;
  readonly epoch: number;
}

/**
 * Throws `lease-lost` unless `current` is the lease the writer's `fence` names. For store
 * implementations: call it in the append's transaction, with the run's row locked.
 */
export function checkLeaseFence(
  runId: string,
  fence: { readonly owner: string; readonly epoch: number } | undefined,
  current: FenceHolder,
): void {
  if (fence === undefined) return;
  if (current.owner === fence.owner && current.epoch === fence.epoch) return;
  const holder =
    current.owner === null || current.owner === undefined
      ? `no lease holder (last epoch ${current.epoch})`
      : `${current.owner} holds it at epoch ${current.epoch}`;
  throw new StateStoreError(
    'lease-lost',
    `Run ${runId}: the writer's lease (owner ${fence.owner}, epoch ${fence.epoch}) is lost: ` +
      `${holder}; the writer must stop working on this run`,
  );
}
