import { createNodeRuntime } from '@stepflow/node-runtime';
import { ConfigError, type LoadedConfig, type Logger, type Runtime } from '@stepflow/runtime';
import type { StateStore } from '@stepflow/state-store';
import { CliError, ExitCode } from './cli-error.ts';
import { openCliStateStore } from './open-cli-state-store.ts';

/** The store and runtime a long-lived command (`serve`, `mcp`) executes runs with. */
export interface ServingRuntime {
  readonly store: StateStore;
  readonly runtime: Runtime;
}

/**
 * Opens the state store (`--store`, else the config's `stateStore`, else `fallbackUrl`) and a
 * runtime over it. A config the runtime refuses is a usage error, and the store is closed then.
 */
export async function openServingRuntime(
  config: LoadedConfig,
  storeUrl: string | undefined,
  fallbackUrl: string,
  context: { readonly cwd: string; readonly logger: Logger },
): Promise<ServingRuntime> {
  const { store } = await openCliStateStore(storeUrl, config, context.cwd, fallbackUrl);
  try {
    const runtime = createNodeRuntime({
      config: config.config,
      workingDirectory: config.workingDirectory,
      logger: context.logger,
      stateStore: store,
    });
    return { store, runtime };
  } catch (error) {
    await store.close();
    if (ConfigError.isInstance(error))
      throw new CliError(`config error: ${error.message}`, ExitCode.usage, { cause: error });
    throw error;
  }
}
