import { dirname, resolve } from 'node:path';
import type { StepflowConfig } from '@stepflow/protocol';
import { ConfigError } from '../errors/config-error.ts';
import { RouteConfigError, createRouter, type RouteRuleConfig } from '../routing/router.ts';
import { defaultConfig, defaultRoutes } from './default-config.ts';
import { UnsetVariableError, substituteEnv } from './env-substitution.ts';
import type { LoadedConfig } from './loaded-config.ts';

// What every config goes through once its document was checked, without the schema check
// itself: kept apart so the defaults resolve without loading the config schemas (zod).

/** Options of `resolveConfig`. */
export interface ResolveConfigOptions {
  /** The file the config came from (named in errors; its directory is the default working directory). */
  readonly file?: string;
  /** Directory used when there is no file: the flow's directory or the current directory. */
  readonly baseDirectory: string;
  /** Environment for `${VAR}` substitution; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The defaults (`defaultConfig()`) resolved as `resolveConfig` would, without checking them
 * against the schema: they are ours, and the check was a noticeable part of a short run's start.
 */
export function resolveDefaultConfig(options: ResolveConfigOptions): LoadedConfig {
  return completeConfig(defaultConfig(), [], options);
}

/** Substitutes the plugins' `${VAR}`s, adds default routes and checks them, places the config. */
export function completeConfig(
  parsed: StepflowConfig,
  warnings: string[],
  options: ResolveConfigOptions,
): LoadedConfig {
  const file = options.file;
  const where = file === undefined ? {} : { file };
  const env = options.env ?? process.env;
  const config = parsed as StepflowConfig & {
    plugins: Record<string, Record<string, unknown>>;
  };
  const plugins: Record<string, Record<string, unknown>> = {};
  for (const [name, plugin] of Object.entries(config.plugins)) {
    plugins[name] = substitutePlugin(name, plugin, env, file);
  }
  let routes = config.routes as Record<string, RouteRuleConfig[]> | undefined;
  if (routes === undefined) {
    let builtin = Object.entries(plugins).find(([, plugin]) => plugin.type === 'builtin')?.[0];
    if (builtin === undefined) {
      builtin = 'builtin';
      plugins[builtin] = { type: 'builtin' };
    }
    routes = defaultRoutes(builtin);
  }
  try {
    createRouter(routes, new Set(Object.keys(plugins)));
  } catch (error) {
    if (error instanceof RouteConfigError)
      throw new ConfigError(error.message, { ...where, field: error.field });
    throw error;
  }
  const configDirectory = file === undefined ? options.baseDirectory : dirname(resolve(file));
  const workingDirectory =
    typeof config.workingDirectory === 'string'
      ? resolve(configDirectory, config.workingDirectory)
      : resolve(configDirectory);
  return {
    config: { ...config, plugins, routes } as StepflowConfig,
    path: file,
    workingDirectory,
    warnings,
  };
}

function substitutePlugin(
  name: string,
  plugin: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
  file: string | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...plugin };
  const sub = (value: string, field: string): string => {
    try {
      return substituteEnv(value, env);
    } catch (error) {
      if (error instanceof UnsetVariableError) {
        throw new ConfigError(error.message, {
          ...(file === undefined ? {} : { file }),
          field: `plugins.${name}.${field}`,
        });
      }
      throw error;
    }
  };
  for (const key of ['command', 'url'] as const) {
    if (typeof out[key] === 'string') out[key] = sub(out[key], key);
  }
  if (Array.isArray(out.args))
    out.args = out.args.map((arg: unknown, i) =>
      typeof arg === 'string' ? sub(arg, `args[${i}]`) : arg,
    );
  for (const key of ['env', 'headers'] as const) {
    const map = out[key];
    if (typeof map === 'object' && map !== null && !Array.isArray(map)) {
      out[key] = Object.fromEntries(
        Object.entries(map).map(([k, v]) => [k, typeof v === 'string' ? sub(v, `${key}.${k}`) : v]),
      );
    }
  }
  return out;
}
