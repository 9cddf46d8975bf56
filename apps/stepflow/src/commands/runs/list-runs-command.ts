import { Command, Option } from 'commander';
import type { RunStatus } from '@stepflow/protocol';
import type { RunRecord } from '@stepflow/state-store';
import type { CliContext } from '../../internal/cli-context.ts';
import { CliError } from '../../internal/cli-error.ts';
import {
  formatOption,
  formatRunsData,
  table,
  timeText,
  type RunsOutputFormat,
} from './runs-output-format.ts';
import { withRunsStore, withStoreOptions, type RunsStoreOptions } from './runs-store-options.ts';

const STATUSES = ['running', 'paused', 'completed', 'failed', 'cancelled'] as const;

interface ListOptions extends RunsStoreOptions {
  readonly status?: RunStatus;
  readonly flow?: string;
  readonly limit: string;
  readonly format: RunsOutputFormat;
  readonly all: boolean;
}

/** `stepflow runs list`: the runs in a store, newest first. */
export function listRunsCommand(context: () => CliContext): Command {
  return withStoreOptions(
    new Command('list')
      .description('List the runs in a state store, newest first')
      .addOption(new Option('--status <status>', 'only runs with this status').choices(STATUSES))
      .option('--flow <name>', 'only runs of the flow with this name')
      .option('--limit <n>', 'at most this many runs', '50')
      .option('--all', 'include nested runs (eval, map, …), not only top-level runs', false)
      .addOption(formatOption()),
  ).action(async (options: ListOptions) => {
    const limit = Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      throw new CliError(`--limit ${options.limit}: expected an integer from 1 to 10000`);
    }
    const { io } = context();
    await withRunsStore(options, context(), async ({ store }) => {
      const runs = (
        await store.listRuns({
          ...(options.status === undefined ? {} : { status: options.status }),
          ...(options.flow === undefined ? {} : { flowName: options.flow }),
          order: 'desc',
          // Nested runs are filtered here, so fetch enough to fill the page with top-level ones.
          limit: options.all ? limit : Math.min(10_000, limit * 20),
        })
      )
        .filter((run) => options.all || run.parentRunId === undefined)
        .slice(0, limit);
      io.writeOut(
        options.format === 'pretty'
          ? prettyRuns(runs)
          : formatRunsData(runs.map(summaryOf), options.format),
      );
    });
  });
}

/** What the list shows of a run (the input and result are for `runs show`). */
function summaryOf(run: RunRecord): Record<string, unknown> {
  return {
    id: run.id,
    status: run.status,
    flowName: run.flowName,
    flowId: run.flowId,
    parentRunId: run.parentRunId,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    completedAt: run.completedAt,
    outcome: run.result?.outcome,
    runtime: run.leaseOwner,
  };
}

function prettyRuns(runs: readonly RunRecord[]): string {
  if (runs.length === 0) return 'no runs\n';
  return table([
    ['RUN', 'STATUS', 'FLOW', 'CREATED', 'COMPLETED', 'RUNTIME'],
    ...runs.map((run) => [
      run.id,
      run.status,
      run.flowName ?? '-',
      timeText(run.createdAt),
      timeText(run.completedAt),
      // The process executing it (live lease owner), when one holds it.
      run.leaseOwner ?? '-',
    ]),
  ]);
}
