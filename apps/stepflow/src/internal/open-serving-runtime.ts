import { createNodeRuntime } from '@stepflow/node-runtime';
import {
  ConfigError,
  createStateStoreJournal,
  type LoadedConfig,
  type Logger,
  type Runtime,
} from '@stepflow/runtime';
import { RunFences } from '@stepflow/service';
import type { StateStore } from '@stepflow/state-store';
import { CliError, ExitCode } from './cli-error.ts';
import { openCliStateStore } from './open-cli-state-store.ts';

/** The store and runtime a long-lived command (`serve`, `mcp`) executes runs with. */
export interface ServingRuntime {
  readonly store: StateStore;
  readonly runtime: Runtime;
  /**
   * With a store shared by several runtimes: the leases this runtime executes runs under, which
   * its journal fences every append with (give them to the service's `scaleOut`).
   */
  readonly fences?: RunFences;
}

/** Whether runtimes share the store: only a server database can have several processes. */
export function isSharedStore(store: StateStore): boolean {
  return store.kind === 'postgres';
}

/**
 * Opens the state store (`--store`, else the config's `stateStore`, else `fallbackUrl`) and a
 * runtime over it. A config the runtime refuses is a usage error, and the store is closed then.
 * With `shared` (default: {@link isSharedStore}), the runtime's journal is fenced by leases.
 */
export async function openServingRuntime(
  config: LoadedConfig,
  storeUrl: string | undefined,
  fallbackUrl: string,
  context: {
    readonly cwd: string;
    readonly logger: Logger;
    readonly shared?: (store: StateStore) => boolean;
  },
): Promise<ServingRuntime> {
  const { store } = await openCliStateStore(storeUrl, config, context.cwd, fallbackUrl);
  try {
    const fences = (context.shared ?? isSharedStore)(store) ? new RunFences() : undefined;
    const runtime = createNodeRuntime({
      config: config.config,
      workingDirectory: config.workingDirectory,
      logger: context.logger,
      stateStore: store,
      ...(fences === undefined
        ? {}
        : { journal: createStateStoreJournal(store, { fenceOf: fences.fenceOf }) }),
    });
    return { store, runtime, ...(fences === undefined ? {} : { fences }) };
  } catch (error) {
    await store.close();
    if (ConfigError.isInstance(error))
      throw new CliError(`config error: ${error.message}`, ExitCode.usage, { cause: error });
    throw error;
  }
}
