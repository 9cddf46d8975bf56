import { resolve } from 'node:path';
import type { Flow, StepflowConfig } from '@stepflow/protocol';
import { type Diagnostic, loadConfig, loadFlowFile } from '@stepflow/runtime';

/** Options of {@link loadFlowAndConfig}. */
export interface LoadFlowAndConfigOptions {
  /** An explicit config file; by default one is looked for next to the flow, then in `cwd`. */
  readonly configPath?: string;
  /** The directory relative paths start from; defaults to `process.cwd()`. */
  readonly cwd?: string;
  /** Environment for `${VAR}` substitution in the config; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A flow and the configuration to run it with, ready for {@link createNodeRuntime}. */
export interface FlowAndConfig {
  /** The flow, aliases normalised to camelCase. */
  readonly flow: Flow;
  /** The configuration: the file's, or the default routes to the builtins when there is none. */
  readonly config: StepflowConfig;
  /** The working directory of plugins and `load_file`. */
  readonly workingDirectory: string;
  /** The config file used; `undefined` when the defaults were used. */
  readonly configPath: string | undefined;
  /** Loading diagnostics of the flow (aliases used); `run` reports fatal problems itself. */
  readonly diagnostics: readonly Diagnostic[];
  /** Config warnings (aliases used, unknown keys). */
  readonly configWarnings: readonly string[];
}

/**
 * Loads a flow file and the config the `stepflow` command would use for it, the way `stepflow
 * run` does: `configPath`, else `stepflow-config.yml` (or `.yaml`) next to the flow, else in
 * `cwd`, else the defaults. Throws `FlowLoadError` or `ConfigError` naming the file at fault.
 */
export async function loadFlowAndConfig(
  flowPath: string,
  options: LoadFlowAndConfigOptions = {},
): Promise<FlowAndConfig> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const flowFile = resolve(cwd, flowPath);
  const [loaded, loadedConfig] = await Promise.all([
    loadFlowFile(flowFile),
    loadConfig({
      flowPath: flowFile,
      cwd,
      ...(options.configPath === undefined ? {} : { configPath: options.configPath }),
      ...(options.env === undefined ? {} : { env: options.env }),
    }),
  ]);
  return {
    flow: loaded.flow,
    config: loadedConfig.config,
    workingDirectory: loadedConfig.workingDirectory,
    configPath: loadedConfig.path,
    diagnostics: loaded.diagnostics,
    configWarnings: loadedConfig.warnings,
  };
}
