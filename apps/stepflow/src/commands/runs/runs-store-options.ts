import type { Command } from 'commander';
import type { LoadedConfig } from '@stepflow/runtime';
import type { RunRecord } from '@stepflow/state-store';
import type { CliContext } from '../../internal/cli-context.ts';
import { CliError } from '../../internal/cli-error.ts';
import { loadConfigOrExit } from '../../internal/load-inputs.ts';
import { openCliStateStore, type CliStateStore } from '../../internal/open-cli-state-store.ts';

/** The options every `stepflow runs …` command takes to find its store. */
export interface RunsStoreOptions {
  readonly store?: string;
  readonly config?: string;
}

/** Adds `--store` and `--config` to a `runs` command. */
export function withStoreOptions(command: Command): Command {
  return command
    .option(
      '--store <url>',
      'state store: sqlite:<file>, postgres://… (default: the config stateStore)',
    )
    .option(
      '-c, --config <file>',
      'stepflow config file (its stateStore and plugins; default: discovered in the current directory)',
    );
}

/** A store opened for a `runs` command, with the config it came from. */
export interface RunsStore extends CliStateStore {
  readonly config: LoadedConfig;
}

/**
 * Loads the config and opens the durable store a `runs` command works on. The memory store is
 * refused: it holds no runs of other processes.
 */
export async function openRunsStore(
  options: RunsStoreOptions,
  context: CliContext,
): Promise<RunsStore> {
  const config = await loadConfigOrExit({
    configPath: options.config,
    cwd: context.io.cwd,
    env: context.io.env,
  });
  const opened = await openCliStateStore(options.store, config, context.io.cwd);
  if (!opened.durable) {
    await opened.store.close();
    throw new CliError(
      'no durable state store: give --store sqlite:<file> or postgres://…, or a stateStore in the config',
    );
  }
  return { ...opened, config };
}

/** Runs `work` with the store open and closes it afterwards. */
export async function withRunsStore<T>(
  options: RunsStoreOptions,
  context: CliContext,
  work: (store: RunsStore) => Promise<T>,
): Promise<T> {
  const opened = await openRunsStore(options, context);
  try {
    return await work(opened);
  } finally {
    await opened.store.close();
  }
}

/** The run with this id, or a usage error naming the id and the store. */
export async function requireRun(store: RunsStore, runId: string): Promise<RunRecord> {
  const run = await store.store.getRun(runId);
  if (run === undefined) throw new CliError(`run ${runId}: not found in ${store.name}`);
  return run;
}
