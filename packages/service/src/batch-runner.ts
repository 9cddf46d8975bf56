import { randomUUID } from 'node:crypto';
import type { Flow } from '@stepflow/protocol';
import { StateStoreError, type BatchRecord, type StateStore } from '@stepflow/state-store';
import type { RunSupervisor } from './run-supervisor.ts';

/** Default number of a batch's runs executing at once. */
export const DEFAULT_BATCH_CONCURRENCY = 16;

/**
 * Runs batches: records the batch and its runs in one write, executes the runs through the
 * supervisor at most `maxConcurrency` at a time, and marks the batch `completed` once none of
 * its runs is left running (also after a restart resumed them).
 */
export class BatchRunner {
  private readonly cancelled = new Set<string>();
  /** Runs of batches this process executes: their batch completes when its loop ends. */
  private readonly owned = new Set<string>();
  /** Batches being checked for completion (scale-out), and whether to check once more. */
  private readonly checking = new Map<string, boolean>();

  /**
   * @param queued with a store shared by several runtimes: the batch's runs are left to the
   * queue (claimed by any runtime, the batch's limit honoured by the store) and this is called
   * to wake the local claimer. Without it, this process executes them.
   */
  constructor(
    private readonly store: StateStore,
    private readonly supervisor: RunSupervisor,
    private readonly queued?: () => void,
  ) {
    if (queued === undefined) supervisor.onFinished((runId) => void this.runFinished(runId));
  }

  /** Records a batch and starts its runs in the background. */
  async create(
    flowId: string,
    flow: Flow,
    inputs: readonly unknown[],
    maxConcurrency = DEFAULT_BATCH_CONCURRENCY,
  ): Promise<BatchRecord> {
    const runs = inputs.map((input) => ({ id: randomUUID(), input }));
    if (this.queued === undefined) for (const run of runs) this.owned.add(run.id);
    const batch = await this.store.createBatch({
      id: randomUUID(),
      flowId,
      ...(typeof flow.name === 'string' ? { flowName: flow.name } : {}),
      maxConcurrency,
      runs,
    });
    if (this.queued === undefined) void this.execute(batch.id, flow, runs, maxConcurrency, true);
    if (runs.length === 0) await this.store.updateBatchStatus(batch.id, 'completed');
    else this.queued?.();
    return batch;
  }

  /**
   * Resumes the unfinished runs of a batch a dead process left (in input order), at most its
   * `maxConcurrency` at a time like the first time; the batch completes when they have ended.
   */
  async resume(
    batch: BatchRecord,
    flow: Flow,
    runs: readonly { id: string; input: unknown }[],
  ): Promise<void> {
    if (batch.status === 'cancelled') {
      // The process died while cancelling: finish the cancel instead.
      for (const run of runs)
        await this.store
          .updateRunStatus(run.id, 'cancelled', { expectedStatus: 'running' })
          .catch((error: unknown) => {
            // Ended meanwhile: it keeps its outcome.
            if (!StateStoreError.isInstance(error, 'status-conflict')) throw error;
          });
      return;
    }
    for (const run of runs) this.owned.add(run.id);
    const limit = batch.maxConcurrency ?? Math.max(runs.length, 1);
    void this.execute(batch.id, flow, runs, limit, false);
  }

  /**
   * Cancels a batch: runs not yet started are marked `cancelled` and never start, running
   * ones are aborted.
   */
  async cancel(batchId: string): Promise<BatchRecord> {
    this.cancelled.add(batchId);
    const record = await this.store.updateBatchStatus(batchId, 'cancelled');
    const running = await this.store.listBatchRuns(batchId, { status: 'running' });
    await Promise.all(
      running.map(async (run) => {
        if (this.supervisor.isActive(run.id)) await this.supervisor.cancel(run.id);
        else await this.store.updateRunStatus(run.id, 'cancelled', { expectedStatus: 'running' });
      }),
    );
    return record;
  }

  private async execute(
    batchId: string,
    flow: Flow,
    runs: readonly { id: string; input: unknown }[],
    maxConcurrency: number,
    fresh: boolean,
  ): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < runs.length && !this.cancelled.has(batchId)) {
        const run = runs[next++]!;
        try {
          await this.supervisor.start({ runId: run.id, flow, input: run.input, fresh });
        } catch {
          return; // The service is closing: the rest resumes in the next process.
        }
      }
    };
    const workers = Math.min(maxConcurrency, runs.length);
    await Promise.all(Array.from({ length: workers }, worker));
    for (const run of runs) this.owned.delete(run.id);
    if (this.cancelled.has(batchId) || runs.length === 0) return;
    await this.completeIfDone(batchId);
  }

  /** Marks a running batch `completed` once none of its runs is running or paused. */
  async completeIfDone(batchId: string): Promise<void> {
    try {
      // Counted first: most checks (one per run's end, on a shared store) stop there.
      const counts = await this.store.countRunsByStatus({ batchId });
      if (counts.running !== 0 || counts.paused !== 0) return;
      const batch = await this.store.getBatch(batchId);
      if (batch?.status === 'running') await this.store.updateBatchStatus(batchId, 'completed');
    } catch {
      // The store closed while the service was shutting down; the next process finishes it.
    }
  }

  /**
   * A run of the batch ended in this runtime (scale-out): completes the batch when it was the
   * last. Checks of one batch never overlap; finishes during a check cause one more.
   */
  batchRunEnded(batchId: string): void {
    if (this.checking.has(batchId)) {
      this.checking.set(batchId, true);
      return;
    }
    this.checking.set(batchId, false);
    void (async () => {
      do {
        this.checking.set(batchId, false);
        await this.completeIfDone(batchId);
      } while (this.checking.get(batchId) === true);
      this.checking.delete(batchId);
    })();
  }

  /** Completes the batch of a run no loop of this process owns (e.g. a paused run resumed). */
  private async runFinished(runId: string): Promise<void> {
    // Counting a batch's runs after each of them would be quadratic: its own loop does it once.
    if (this.owned.has(runId)) return;
    try {
      const run = await this.store.getRun(runId);
      if (run?.batchId !== undefined) await this.completeIfDone(run.batchId);
    } catch {
      // The store closed while the service was shutting down; the next process finishes it.
    }
  }
}
