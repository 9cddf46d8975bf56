import { ConfigError, createRuntime } from '@stepflow/runtime';
import type { LoadedConfig, Logger, PluginFactory, Runtime } from '@stepflow/runtime';
import { CliError, ExitCode } from './cli-error.ts';
import { CLI_PLUGIN_FACTORIES, closeOnSignals } from './plugin-factories.ts';

/** Plugin factories the CLI adds to the runtime's own (`builtin`, `mock`). */
const EXTRA_PLUGIN_FACTORIES: Readonly<Record<string, PluginFactory>> = CLI_PLUGIN_FACTORIES;

/**
 * Builds a runtime for one command (or one test file) from a loaded config. A plugin config
 * the runtime rejects (unknown type, bad `url`, …) becomes a usage `CliError` naming the
 * config file and field.
 */
export function createCliRuntime(config: LoadedConfig, logger: Logger): Runtime {
  let runtime: Runtime;
  try {
    runtime = createRuntime({
      config: config.config,
      workingDirectory: config.workingDirectory,
      pluginFactories: EXTRA_PLUGIN_FACTORIES,
      logger,
    });
  } catch (error) {
    if (ConfigError.isInstance(error)) {
      const file = config.path === undefined || error.file !== undefined ? '' : `${config.path}: `;
      throw new CliError(`config error: ${file}${error.message}`, ExitCode.usage, {
        cause: error,
      });
    }
    throw error;
  }
  return closeOnSignals(runtime);
}
