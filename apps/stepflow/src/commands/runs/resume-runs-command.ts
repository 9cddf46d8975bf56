import { Command } from 'commander';
import type { FlowResult } from '@stepflow/protocol';
import { REDACTED, RunConflictError, type OpenQuestion, type Runtime } from '@stepflow/runtime';
import type { RunRecord } from '@stepflow/state-store';
import type { CliContext } from '../../internal/cli-context.ts';
import { CliError, ExitCode } from '../../internal/cli-error.ts';
import { createCliRuntime } from '../../internal/create-cli-runtime.ts';
import { FINAL_STATUSES, resumeHint } from '../../internal/durable-run.ts';
import { formatData } from '../../internal/json-text.ts';
import { printNotice } from '../../internal/print-notice.ts';
import { openQuestionsText } from '../../internal/open-questions-text.ts';
import { holdRunLease, leasedMessage, ownerIsDeadHere } from '../../internal/run-lease.ts';
import { onShutdownSignal } from '../../internal/shutdown-on-signals.ts';
import { loadStoredFlow } from './stored-flow.ts';
import {
  requireRun,
  withRunsStore,
  withStoreOptions,
  type RunsStore,
  type RunsStoreOptions,
} from './runs-store-options.ts';

interface ResumeOptions extends RunsStoreOptions {
  readonly all: boolean;
}

/**
 * `stepflow runs resume <id>` / `--all`: continues unfinished runs from their journals, with the
 * flow and input recorded in the store and the plugins of the config given now.
 */
export function resumeRunsCommand(
  context: () => CliContext,
  setExitCode: (code: ExitCode) => void,
): Command {
  return withStoreOptions(
    new Command('resume')
      .description(
        'Resume an unfinished run from its journal, or with --all every running run no live process holds',
      )
      .argument('[run-id]', 'the run to resume')
      .option('--all', 'resume every running top-level run without a live lease', false),
  ).action(async (runId: string | undefined, options: ResumeOptions) => {
    if ((runId === undefined) === !options.all) {
      throw new CliError('give either a run id or --all');
    }
    const ctx = context();
    await withRunsStore(options, ctx, async (opened) => {
      const runs =
        runId === undefined ? await resumableRuns(opened) : [await requireRun(opened, runId)];
      setExitCode(await resumeAll(opened, runs, ctx, runId === undefined));
    });
  });
}

/**
 * Top-level running runs no live process holds: unleased ones, and those whose lease belongs to
 * a dead process on this host (its lease has not lapsed yet, but nobody will renew it).
 */
async function resumableRuns(opened: RunsStore): Promise<RunRecord[]> {
  const running = await opened.store.listRuns({ status: ['running', 'paused'], limit: 10_000 });
  const free: RunRecord[] = [];
  for (const run of running) {
    if (run.parentRunId !== undefined) continue;
    const lease = await opened.store.getLease(run.id);
    if (lease === undefined || lease.expiresAt <= Date.now() || ownerIsDeadHere(lease.owner)) {
      free.push(run);
    }
  }
  return free;
}

/** Resumes `runs` concurrently on one runtime; resolves the exit code (`paused` when one waits for answers). */
export async function resumeAll(
  opened: RunsStore,
  runs: readonly RunRecord[],
  context: CliContext,
  many: boolean,
): Promise<ExitCode> {
  if (many && runs.length === 0) {
    printNotice(context, `no unfinished runs to resume in ${opened.name}`);
    return ExitCode.success;
  }
  const runtime = await createCliRuntime(opened.config, context.logger, opened.store);
  let interrupted: string | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const unregister = onShutdownSignal({
    stop: (signal) => {
      // The runs stay resumable: closing the runtime journals nothing more for them.
      interrupted = signal;
      void runtime.close();
      return finished;
    },
  });
  try {
    const codes = await Promise.all(
      runs.map(async (run) => {
        try {
          return await resumeOne(
            opened,
            runtime,
            run,
            context,
            many,
            () => interrupted !== undefined,
          );
        } catch (error) {
          if (interrupted !== undefined) {
            printNotice(context, resumeHint(run.id), { run_id: run.id, signal: interrupted });
            return ExitCode.failed;
          }
          if (!many) throw error;
          const message = error instanceof Error ? error.message : String(error);
          context.io.writeErr(`stepflow: error: run ${run.id}: ${message}\n`);
          return ExitCode.failed;
        }
      }),
    );
    if (codes.some((code) => code !== ExitCode.success && code !== ExitCode.paused))
      return ExitCode.failed;
    return codes.includes(ExitCode.paused) ? ExitCode.paused : ExitCode.success;
  } finally {
    await runtime.close();
    unregister();
    finish();
  }
}

/** Resumes one run under its lease and prints its result. */
async function resumeOne(
  opened: RunsStore,
  runtime: Runtime,
  run: RunRecord,
  context: CliContext,
  many: boolean,
  interrupted: () => boolean,
): Promise<ExitCode> {
  const print = (result: FlowResult): ExitCode => {
    context.io.writeOut(
      many ? `${JSON.stringify({ runId: run.id, result })}\n` : formatData(result, 'json'),
    );
    return result.outcome === 'failed' ? ExitCode.failed : ExitCode.success;
  };
  if (FINAL_STATUSES.has(run.status) && run.result !== undefined) return print(run.result);
  if (run.parentRunId !== undefined) {
    throw new CliError(
      `run ${run.id} is nested in run ${run.parentRunId}: resume that one (stepflow runs resume ${run.parentRunId})`,
    );
  }
  if (JSON.stringify(run.input).includes(JSON.stringify(REDACTED))) {
    throw new CliError(
      `run ${run.id}: its recorded input had secrets, which are never stored; rerun it with the input given again: stepflow run --flow <file> --run-id ${run.id} --input <file>`,
    );
  }
  const attempt = await holdRunLease(opened.store, run.id);
  if (attempt.held === undefined) {
    if (many) {
      // Another process claimed it since it was listed: it is in good hands.
      printNotice(context, `run ${run.id} was taken by another process`, { run_id: run.id });
      return ExitCode.success;
    }
    throw new CliError(leasedMessage(run.id, attempt.heldBy));
  }
  try {
    const flow = await loadStoredFlow(opened, run);
    printNotice(context, `resuming run ${run.id}`, { run_id: run.id, store: opened.name });
    let onPaused!: (questions: readonly OpenQuestion[]) => void;
    const paused = new Promise<readonly OpenQuestion[]>((resolve) => {
      onPaused = (questions) => {
        if (questions.length > 0) resolve(questions);
      };
    });
    const outcome = await Promise.race([
      runtime.run({ flow, input: run.input, runId: run.id, onPaused }),
      paused,
    ]);
    if (!('result' in outcome)) {
      // Still waiting for answers: closing the runtime leaves it paused in the store.
      context.io.writeErr(openQuestionsText(outcome, ` --store ${opened.name}`));
      printNotice(context, `run ${run.id} is paused: it waits for answers`, { run_id: run.id });
      return ExitCode.paused;
    }
    // Interrupted: the runtime was closed, the store still has the run running.
    if (interrupted()) throw new Error('interrupted');
    return print(outcome.result);
  } catch (error) {
    if (RunConflictError.isInstance(error)) {
      throw new CliError(error.message, ExitCode.usage, { cause: error });
    }
    throw error;
  } finally {
    await attempt.held.release();
  }
}
