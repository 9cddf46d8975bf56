import { dirname, resolve } from 'node:path';
import {
  type StepflowConfig,
  StepflowConfigSchema,
  normalizeConfigAliases,
} from '@stepflow/protocol';
import { ConfigError } from '../errors/config-error.ts';
import { RouteConfigError, createRouter, type RouteRuleConfig } from '../routing/router.ts';
import { checkConfigKeys } from './check-config-keys.ts';
import { defaultConfig, defaultRoutes } from './default-config.ts';
import { UnsetVariableError, substituteEnv } from './env-substitution.ts';
import type { LoadedConfig } from './loaded-config.ts';

/** Options of `resolveConfig`. */
export interface ResolveConfigOptions {
  /** The file the config came from (named in errors; its directory is the default working directory). */
  readonly file?: string;
  /** Directory used when there is no file: the flow's directory or the current directory. */
  readonly baseDirectory: string;
  /** Environment for `${VAR}` substitution; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function formatField(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}

/** The value at `path` in `root`, or `undefined`. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const part of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/**
 * A schema violation as a `ConfigError`: the field of the first problem is named once (by the
 * error), a missing field is called missing, and further problems follow in brief.
 */
function schemaError(
  issues: readonly {
    path: readonly PropertyKey[];
    message: string;
    code: string;
    expected?: unknown;
  }[],
  config: unknown,
  file: string | undefined,
): ConfigError {
  const describe = (issue: (typeof issues)[number]): string =>
    issue.code === 'invalid_type' &&
    typeof issue.expected === 'string' &&
    valueAt(config, issue.path) === undefined
      ? `missing (expected ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`})`
      : issue.message;
  const [first, ...rest] = issues;
  const more = rest.map((issue) => `${formatField(issue.path) || '(config)'}: ${describe(issue)}`);
  const field = formatField(first!.path);
  return new ConfigError(
    `${describe(first!)}${more.length === 0 ? '' : ` (also ${more.join('; ')})`}`,
    { ...(file === undefined ? {} : { file }), ...(field === '' ? {} : { field }) },
  );
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

/**
 * Turns a parsed config document into a usable config (§4, DECISIONS 15-17): aliases normalised,
 * schema-checked, `${VAR}` substituted in `command`, `args`, `env`, `url` and headers, default
 * routes filled in when there are none, routes checked against the plugins, and the working
 * directory resolved (§4.6). Throws `ConfigError` naming the file and field.
 */
export function resolveConfig(raw: unknown, options: ResolveConfigOptions): LoadedConfig {
  const file = options.file;
  const where = file === undefined ? {} : { file };
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError('a config must be a YAML/JSON object', where);
  }
  const warnings: string[] = [];
  const { value, aliases } = normalizeConfigAliases(raw);
  for (const use of aliases) {
    warnings.push(
      use.ignored
        ? `${formatField(use.path)}: '${use.alias}' is ignored because '${use.canonical}' is also present`
        : `${formatField(use.path)}: '${use.alias}' is an alias: write '${use.canonical}'`,
    );
  }
  warnings.push(...checkConfigKeys(value as Record<string, unknown>, file));
  const parsed = StepflowConfigSchema.safeParse(value);
  if (!parsed.success) throw schemaError(parsed.error.issues, value, file);
  return completeConfig(parsed.data, warnings, options);
}

/**
 * The defaults (`defaultConfig()`) resolved as `resolveConfig` would, without checking them
 * against the schema: they are ours, and the check was a noticeable part of a short run's start.
 */
export function resolveDefaultConfig(options: ResolveConfigOptions): LoadedConfig {
  return completeConfig(defaultConfig(), [], options);
}

/** Substitutes the plugins' `${VAR}`s, adds default routes and checks them, places the config. */
function completeConfig(
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
