import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../../errors/config-error.ts';

/** How to start a stdio component server: what a `stdio` transport factory receives. */
export interface StdioLaunch {
  /** The executable: a bare name (looked up on the child's `PATH`) or an absolute path. */
  readonly command: string;
  /** Arguments, passed without a shell. */
  readonly args: readonly string[];
  /** The child's complete environment (DECISIONS item 17). */
  readonly env: Readonly<Record<string, string>>;
  /** The child's working directory (absolute). */
  readonly cwd: string;
  /** Largest protocol message in bytes, when the config sets `maxMessageBytes` (DECISIONS item 3). */
  readonly maxMessageBytes?: number;
}

/** Variables a stdio child gets from the runtime's environment by default (DECISIONS item 17). */
export const DEFAULT_INHERITED_ENV = ['PATH', 'HOME', 'USER', 'LANG', 'TMPDIR', 'TZ'] as const;

/**
 * Works out how to spawn a `transport: stdio` plugin from its config: the child's environment is
 * `PATH`, `HOME`, `USER`, `LANG`, `LC_*`, `TMPDIR` and `TZ` of `parentEnv` (everything with
 * `inheritEnv: true`, plus the listed names with `inheritEnv: [names]`) overlaid with the
 * configured `env`; the working directory is `cwd` resolved against the runtime's working
 * directory; a command containing a path separator is resolved against that directory, a bare
 * name is looked up on the child's `PATH`. `${VAR}` substitution has already been applied by
 * `resolveConfig` (DECISIONS item 16) and is not repeated. Throws `ConfigError` naming the field.
 */
export function resolveStdioLaunch(
  pluginName: string,
  config: Readonly<Record<string, unknown>>,
  workingDirectory: string,
  parentEnv: Readonly<Record<string, string | undefined>>,
): StdioLaunch {
  const field = (name: string): string => `plugins.${pluginName}.${name}`;
  const command = config.command;
  if (typeof command !== 'string' || command.trim() === '') {
    throw new ConfigError(`'command' must be a non-empty string`, { field: field('command') });
  }
  const rawArgs = config.args ?? [];
  if (!Array.isArray(rawArgs) || rawArgs.some((arg) => typeof arg !== 'string')) {
    throw new ConfigError(`'args' must be a list of strings`, { field: field('args') });
  }
  const rawEnv = config.env ?? {};
  if (typeof rawEnv !== 'object' || rawEnv === null || Array.isArray(rawEnv)) {
    throw new ConfigError(`'env' must be a map of strings`, { field: field('env') });
  }
  const inherit = config.inheritEnv ?? false;
  if (
    typeof inherit !== 'boolean' &&
    !(Array.isArray(inherit) && inherit.every((name) => typeof name === 'string'))
  ) {
    throw new ConfigError(`'inheritEnv' must be true, false or a list of names`, {
      field: field('inheritEnv'),
    });
  }
  const env: Record<string, string> = {};
  const names = new Set<string>(DEFAULT_INHERITED_ENV);
  if (Array.isArray(inherit)) for (const name of inherit) names.add(name);
  for (const [name, value] of Object.entries(parentEnv)) {
    if (value === undefined) continue;
    if (inherit === true || names.has(name) || name.startsWith('LC_')) env[name] = value;
  }
  for (const [name, value] of Object.entries(rawEnv as Record<string, unknown>)) {
    if (typeof value === 'string') env[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') env[name] = String(value);
  }
  const maxMessageBytes = config.maxMessageBytes;
  if (
    maxMessageBytes !== undefined &&
    !(
      typeof maxMessageBytes === 'number' &&
      Number.isInteger(maxMessageBytes) &&
      maxMessageBytes > 0
    )
  ) {
    throw new ConfigError(`'maxMessageBytes' must be a positive integer`, {
      field: field('maxMessageBytes'),
    });
  }
  const cwd =
    typeof config.cwd === 'string'
      ? resolve(workingDirectory, config.cwd)
      : resolve(workingDirectory);
  const hasSeparator = command.includes('/') || command.includes('\\');
  return {
    command: hasSeparator && !isAbsolute(command) ? resolve(cwd, command) : command,
    args: rawArgs as string[],
    env,
    cwd,
    ...(maxMessageBytes === undefined ? {} : { maxMessageBytes }),
  };
}
