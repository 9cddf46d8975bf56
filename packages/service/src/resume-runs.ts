import type { RunRecord } from '@stepflow/state-store';
import { loadStoredFlow } from './load-stored-flow.ts';
import type { ServiceContext } from './service-context.ts';

/** Runs and batches listed per store query when resuming. */
const RESUME_PAGE = 1000;

/**
 * Resumes every top-level run the store has `running` or `paused` (left by a process that died;
 * paused runs wait for answers and timers in this process, except debug runs, which wait for
 * their debugger): plain runs
 * at once, a batch's runs through the batch runner so its `maxConcurrency` holds again. Batches
 * whose runs all ended before the crash are completed. Resolves with how many runs resumed.
 */
export async function resumeRuns(context: ServiceContext): Promise<number> {
  const { store, supervisor, batches, claimer } = context;
  if (claimer !== undefined) {
    // Shared store: what dead runtimes left is claimed like any queued run, once their leases
    // lapsed; only batches whose last run ended just before a crash need completing here.
    await completeFinishedBatches(context, new Set());
    const before = claimer.activeCount;
    await claimer.start();
    return claimer.activeCount - before;
  }
  // Listed in full before starting any: a run that ends meanwhile would shift the pages.
  const running: RunRecord[] = [];
  for (let offset = 0; ; offset += RESUME_PAGE) {
    const page = await store.listRuns({
      status: ['running', 'paused'],
      limit: RESUME_PAGE,
      offset,
      order: 'asc',
    });
    running.push(...page);
    if (page.length < RESUME_PAGE) break;
  }
  const byBatch = new Map<string, RunRecord[]>();
  let resumed = 0;
  for (const run of running) {
    // Nested runs are resumed by their parent's step when it executes again.
    if (run.parentRunId !== undefined || supervisor.isActive(run.id)) continue;
    if (run.status === 'paused' && (await context.debug.isDebugRun(run.id))) continue;
    if (run.batchId === undefined) {
      const flow = await loadStoredFlow(context, run.flowId);
      void supervisor.start({ runId: run.id, flow, input: run.input });
    } else {
      const list = byBatch.get(run.batchId) ?? [];
      byBatch.set(run.batchId, list);
      // Creation order is input order.
      list.push(run);
    }
    resumed++;
  }
  for (const [batchId, runs] of byBatch) {
    const batch = await store.getBatch(batchId);
    if (batch === undefined) continue;
    await batches.resume(batch, await loadStoredFlow(context, batch.flowId), runs);
  }
  await completeFinishedBatches(context, new Set(byBatch.keys()));
  return resumed;
}

/** A batch whose last run ended just before a crash: nothing resumes it, so complete it here. */
async function completeFinishedBatches(
  { store, batches }: ServiceContext,
  resuming: ReadonlySet<string>,
): Promise<void> {
  for (let offset = 0; ; offset += RESUME_PAGE) {
    const page = await store.listBatches({ status: 'running', limit: RESUME_PAGE, offset });
    for (const batch of page) if (!resuming.has(batch.id)) await batches.completeIfDone(batch.id);
    if (page.length < RESUME_PAGE) break;
  }
}
