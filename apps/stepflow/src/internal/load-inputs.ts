import {
  ConfigError,
  FlowLoadError,
  loadConfig,
  loadFlowFile,
  validateFlow,
} from '@stepflow/runtime';
import type { Diagnostic, LoadConfigOptions, LoadedConfig, LoadedFlow } from '@stepflow/runtime';
import { CliError, ExitCode } from './cli-error.ts';

/** Loads a flow file; a file that cannot be read or parsed becomes a `CliError` (exit 2). */
export async function loadFlowOrExit(path: string): Promise<LoadedFlow> {
  try {
    return await loadFlowFile(path);
  } catch (error) {
    if (FlowLoadError.isInstance(error))
      throw new CliError(error.message, ExitCode.usage, { cause: error });
    throw error;
  }
}

/** Loads (or discovers) the config; a bad config becomes a `CliError` naming file and field. */
export async function loadConfigOrExit(options: LoadConfigOptions): Promise<LoadedConfig> {
  try {
    return await loadConfig(options);
  } catch (error) {
    if (ConfigError.isInstance(error)) {
      throw new CliError(`config error: ${error.message}`, ExitCode.usage, { cause: error });
    }
    throw error;
  }
}

/**
 * Loading diagnostics plus static validation against the config, loading ones first.
 * `componentLists` adds the components of plugins listed at run time (`validate
 * --check-components`).
 */
export function diagnoseFlow(
  loaded: LoadedFlow,
  config: LoadedConfig,
  componentLists?: ReadonlyMap<string, readonly string[]>,
): Diagnostic[] {
  const found = validateFlow(loaded.flow, {
    config: config.config,
    raw: loaded.raw,
    file: loaded.path,
    ...(componentLists === undefined ? {} : { componentLists }),
  });
  const seen = new Set(found.map(keyOf));
  return [...loaded.diagnostics.filter((d) => !seen.has(keyOf(d))), ...found];
}

function keyOf(diagnostic: Diagnostic): string {
  return `${diagnostic.type}\u0000${diagnostic.path.join('.')}\u0000${diagnostic.message}`;
}
