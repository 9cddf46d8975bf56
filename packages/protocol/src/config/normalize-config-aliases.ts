import type { AliasUse, NormalizedAliases } from '../alias-use.ts';
import type { Path } from '../internal/rename-keys.ts';
import { isObject, mapField, mapItems, mapValues, renameKeys } from '../internal/rename-keys.ts';

const TOP_LEVEL = { state_store: 'stateStore', working_directory: 'workingDirectory' } as const;
const PLUGIN = {
  inherit_env: 'inheritEnv',
  max_concurrency: 'maxConcurrency',
  timeout_ms: 'timeoutMs',
} as const;
const ROUTE_RULE = { component_allow: 'componentAllow', component_deny: 'componentDeny' } as const;
const STATE_STORE = {
  database_url: 'databaseUrl',
  max_connections: 'maxConnections',
  auto_migrate: 'autoMigrate',
} as const;

/**
 * Rewrites the snake_case spellings of config keys (`state_store`, `working_directory`,
 * `database_url`, `component_allow`, …) to their camelCase names and lists every alias found.
 *
 * Keys that are snake_case in the reference stay untouched (mock components' `input_schema`,
 * `output_schema`), as do all values (env, headers, conditions). The input is not mutated.
 *
 * @param raw - The parsed config document (anything; non-objects are returned unchanged).
 * @param basePath - Prefix for the reported paths, e.g. `['test', 'config']` for a flow's test config.
 */
export function normalizeConfigAliases(raw: unknown, basePath: Path = []): NormalizedAliases {
  const aliases: AliasUse[] = [];
  const value = normalizeConfig(raw, basePath, aliases);
  return { value, aliases };
}

/** Internal entry shared with the flow normaliser (a flow's `test.config` is a config). */
export function normalizeConfig(raw: unknown, path: Path, aliases: AliasUse[]): unknown {
  if (!isObject(raw)) return raw;
  const config = renameKeys(raw, TOP_LEVEL, path, aliases);
  mapField(config, 'plugins', (plugins) =>
    mapValues(plugins, (plugin, name) =>
      isObject(plugin) ? renameKeys(plugin, PLUGIN, [...path, 'plugins', name], aliases) : plugin,
    ),
  );
  mapField(config, 'routes', (routes) =>
    mapValues(routes, (rules, pattern) =>
      mapItems(rules, (rule, index) =>
        isObject(rule)
          ? renameKeys(rule, ROUTE_RULE, [...path, 'routes', pattern, index], aliases)
          : rule,
      ),
    ),
  );
  mapField(config, 'stateStore', (store) =>
    isObject(store) ? renameKeys(store, STATE_STORE, [...path, 'stateStore'], aliases) : store,
  );
  return config;
}
