import type { StepflowConfig } from '@stepflow/protocol';

/** A configuration ready for `createRuntime`, with where it came from. */
export interface LoadedConfig {
  /** The normalised configuration (camelCase, default routes filled in when there was no file). */
  readonly config: StepflowConfig;
  /** The config file used; `undefined` when the defaults were used. */
  readonly path: string | undefined;
  /** The working directory resolved per §4.6. */
  readonly workingDirectory: string;
  /** Warnings (aliases used, unknown keys). */
  readonly warnings: readonly string[];
}

/** Where to look for configuration (§4.1). */
export interface LoadConfigOptions {
  /** An explicit config file (wins over discovery). */
  readonly configPath?: string;
  /** The flow file: its directory is searched first. */
  readonly flowPath?: string;
  /** The current directory, searched second; defaults to `process.cwd()`. */
  readonly cwd?: string;
  /** Environment used for `${VAR}` substitution; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}
