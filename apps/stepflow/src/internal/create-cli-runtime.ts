import { createRuntime } from '@stepflow/runtime';
import type { LoadedConfig, Logger, PluginFactory, Runtime } from '@stepflow/runtime';
import { CLI_PLUGIN_FACTORIES, closeOnSignals } from './plugin-factories.ts';

/** Plugin factories the CLI adds to the runtime's own (`builtin`, `mock`). */
const EXTRA_PLUGIN_FACTORIES: Readonly<Record<string, PluginFactory>> = CLI_PLUGIN_FACTORIES;

/** Builds a runtime for one command (or one test file) from a loaded config. */
export function createCliRuntime(config: LoadedConfig, logger: Logger): Runtime {
  return closeOnSignals(
    createRuntime({
      config: config.config,
      workingDirectory: config.workingDirectory,
      pluginFactories: EXTRA_PLUGIN_FACTORIES,
      logger,
    }),
  );
}
