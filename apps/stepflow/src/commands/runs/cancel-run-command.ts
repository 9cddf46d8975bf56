import { Command } from 'commander';
import type { FlowResult } from '@stepflow/protocol';
import type { JournalAppend, RunRecord, StateStore } from '@stepflow/state-store';
import type { CliContext } from '../../internal/cli-context.ts';
import { CliError } from '../../internal/cli-error.ts';
import { FINAL_STATUSES } from '../../internal/durable-run.ts';
import { printNotice } from '../../internal/print-notice.ts';
import {
  requireRun,
  withRunsStore,
  withStoreOptions,
  type RunsStoreOptions,
} from './runs-store-options.ts';

/** The result a cancelled run is recorded with. */
export const CANCELLED_RESULT: FlowResult = {
  outcome: 'failed',
  error: { code: 410, message: 'Run cancelled' },
};

/**
 * `stepflow runs cancel <id>`: records the run (and its unfinished nested runs) as cancelled. A
 * process executing it finds the journal moved on at its next write and stops.
 */
export function cancelRunCommand(context: () => CliContext): Command {
  return withStoreOptions(
    new Command('cancel')
      .description(
        'Cancel an unfinished run; a process executing it stops at its next journal write',
      )
      .argument('<run-id>', 'the run'),
  ).action(async (runId: string, options: RunsStoreOptions) => {
    await withRunsStore(options, context(), async (opened) => {
      const run = await requireRun(opened, runId);
      if (FINAL_STATUSES.has(run.status)) {
        throw new CliError(`run ${runId} already ended (${run.status}); nothing to cancel`);
      }
      const runs = [run, ...(await unfinishedDescendants(opened.store, runId))];
      const at = Date.now();
      const appends: JournalAppend[] = runs.map((target) => ({
        runId: target.id,
        events: [{ type: 'runCompleted', runId: target.id, at, result: CANCELLED_RESULT }],
        status: 'cancelled',
        result: CANCELLED_RESULT,
      }));
      await opened.store.appendEvents(appends);
      printNotice(context(), `run ${runId} cancelled`, { run_id: runId });
    });
  });
}

/** Nested runs of `runId` (at any depth) that have not ended. */
async function unfinishedDescendants(store: StateStore, runId: string): Promise<RunRecord[]> {
  const found: RunRecord[] = [];
  const pending = [runId];
  while (pending.length > 0) {
    const parent = pending.pop()!;
    const children = await store.listRuns({ parentRunId: parent, limit: 10_000 });
    for (const child of children) {
      pending.push(child.id);
      if (!FINAL_STATUSES.has(child.status)) found.push(child);
    }
  }
  return found;
}
