import type { Flow } from '@stepflow/protocol';
import { redactSecrets, serializeFlow } from '@stepflow/runtime';
import { StateStoreError, type RunRecord, type StateStore } from '@stepflow/state-store';
import { CliError, ExitCode } from './cli-error.ts';
import { holdRunLease, leasedMessage, type HeldLease } from './run-lease.ts';

/** Statuses a run never leaves. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

/** What {@link claimDurableRun} found and took. */
export interface ClaimedRun {
  /** The run's record before this process touched it, when it existed. */
  readonly existing: RunRecord | undefined;
  /** This process's lease; `undefined` for a finished run (nothing will execute). */
  readonly lease: HeldLease | undefined;
}

/**
 * Makes sure the run's record exists and this process holds its lease before it executes. The
 * record is created up front (flow stored, input redacted as the journal would) so that the lease,
 * which needs a record, covers the run from its first step. A finished run needs no lease: the
 * runtime only returns its recorded result. A run another live process holds is refused.
 */
export async function claimDurableRun(
  store: StateStore,
  run: { readonly runId: string; readonly flow: Flow; readonly input: unknown },
): Promise<ClaimedRun> {
  const existing = await store.getRun(run.runId);
  if (existing !== undefined && FINAL_STATUSES.has(existing.status)) {
    return { existing, lease: undefined };
  }
  if (existing === undefined) {
    const flowId = await store.put(serializeFlow(run.flow), 'flow');
    try {
      await store.createRun({ id: run.runId, flowId, input: redactSecrets(run.input) });
    } catch (error) {
      // Another process created it in between: its lease decides below.
      if (!StateStoreError.isInstance(error, 'run-exists')) throw error;
    }
  }
  const attempt = await holdRunLease(store, run.runId);
  if (attempt.held === undefined) {
    throw new CliError(leasedMessage(run.runId, attempt.heldBy), ExitCode.usage);
  }
  return { existing, lease: attempt.held };
}

/** The line telling the user how to pick an interrupted run up again. */
export function resumeHint(runId: string): string {
  return `run ${runId} is unfinished and resumable: stepflow runs resume ${runId}`;
}
