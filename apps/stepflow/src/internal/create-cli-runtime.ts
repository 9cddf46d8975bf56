import { ConfigError, createRuntime } from '@stepflow/runtime';
import type { LoadedConfig, Logger, Runtime, RuntimeOptions } from '@stepflow/runtime';
import type { StateStore } from '@stepflow/state-store';
import { CliError, ExitCode } from './cli-error.ts';
import { closeOnSignals } from './plugin-factories.ts';

/** Plugin types the core runtime builds itself; any other needs the Node runtime's factories. */
const CORE_PLUGIN_TYPES = new Set(['builtin', 'mock']);

/**
 * Builds a runtime for one command (or one test file) from a loaded config. A plugin config
 * the runtime rejects (unknown type, bad `url`, …) becomes a usage `CliError` naming the
 * config file and field. With a `stateStore` its runs are journaled there (the caller closes it).
 *
 * The Node runtime (component servers, MCP servers, their transports and the protocol's message
 * schemas) is loaded only when the config has such a plugin: a builtin-only run starts without it.
 */
export async function createCliRuntime(
  config: LoadedConfig,
  logger: Logger,
  stateStore?: StateStore,
  options: { readonly refuseQuestions?: string } = {},
): Promise<Runtime> {
  const runtimeOptions: RuntimeOptions = {
    config: config.config,
    workingDirectory: config.workingDirectory,
    logger,
    ...(stateStore === undefined ? {} : { stateStore }),
    ...(options.refuseQuestions === undefined ? {} : { refuseQuestions: options.refuseQuestions }),
  };
  const coreOnly = Object.values(config.config.plugins).every((plugin) =>
    CORE_PLUGIN_TYPES.has(plugin.type),
  );
  const create = coreOnly
    ? createRuntime
    : (await import('@stepflow/node-runtime')).createNodeRuntime;
  let runtime: Runtime;
  try {
    runtime = create(runtimeOptions);
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
