import { StepflowConfigSchema, normalizeConfigAliases } from '@stepflow/protocol';
import { ConfigError } from '../errors/config-error.ts';
import { checkConfigKeys } from './check-config-keys.ts';
import type { LoadedConfig } from './loaded-config.ts';
import { completeConfig, type ResolveConfigOptions } from './complete-config.ts';

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
