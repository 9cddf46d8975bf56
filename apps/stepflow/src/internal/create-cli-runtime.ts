import { createNodeRuntime } from '@stepflow/node-runtime';
import { ConfigError } from '@stepflow/runtime';
import type { LoadedConfig, Logger, Runtime } from '@stepflow/runtime';
import type { StateStore } from '@stepflow/state-store';
import { CliError, ExitCode } from './cli-error.ts';
import { closeOnSignals } from './plugin-factories.ts';

/**
 * Builds a runtime for one command (or one test file) from a loaded config. A plugin config
 * the runtime rejects (unknown type, bad `url`, …) becomes a usage `CliError` naming the
 * config file and field. With a `stateStore` its runs are journaled there (the caller closes it).
 */
export function createCliRuntime(
  config: LoadedConfig,
  logger: Logger,
  stateStore?: StateStore,
  options: { readonly refuseQuestions?: string } = {},
): Runtime {
  let runtime: Runtime;
  try {
    runtime = createNodeRuntime({
      config: config.config,
      workingDirectory: config.workingDirectory,
      logger,
      ...(stateStore === undefined ? {} : { stateStore }),
      ...(options.refuseQuestions === undefined
        ? {}
        : { refuseQuestions: options.refuseQuestions }),
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
