import {
  BuiltinPluginConfigSchema,
  HttpPluginConfigSchema,
  InMemoryStateStoreConfigSchema,
  McpHttpPluginConfigSchema,
  McpStdioPluginConfigSchema,
  MockComponentConfigSchema,
  MockPluginConfigSchema,
  PostgresStateStoreConfigSchema,
  RouteConditionSchema,
  RouteRuleSchema,
  SqliteStateStoreConfigSchema,
  StdioPluginConfigSchema,
  WebSocketPluginConfigSchema,
} from '@stepflow/protocol';
import { ConfigError } from '../errors/config-error.ts';
import { didYouMean } from '../validation/did-you-mean.ts';

/** The keys of a config's top level. */
export const TOP_LEVEL_KEYS = ['workingDirectory', 'plugins', 'routes', 'stateStore'];

const keysOf = (...schemas: { shape: object }[]): readonly string[] => [
  ...new Set(schemas.flatMap((schema) => Object.keys(schema.shape))),
];

/**
 * Keys each plugin type reads: its schema's, plus those its runtime plugin reads beyond them. For
 * `stepflow`, the keys of every transport, so a key of another transport is never taken for a
 * misspelling.
 */
const PLUGIN_KEYS: Readonly<Record<string, readonly string[]>> = {
  builtin: [...keysOf(BuiltinPluginConfigSchema), 'allowedPaths'],
  stepflow: [
    ...keysOf(StdioPluginConfigSchema, HttpPluginConfigSchema, WebSocketPluginConfigSchema),
    'initializeTimeoutMs',
    'maxMessageBytes',
  ],
  mcp: keysOf(McpStdioPluginConfigSchema, McpHttpPluginConfigSchema),
  mock: keysOf(MockPluginConfigSchema),
};
const TRANSPORTS = ['stdio', 'http', 'websocket'];
const MCP_TRANSPORTS = ['stdio', 'http'];
const MOCK_COMPONENT_KEYS = keysOf(MockComponentConfigSchema);
const ROUTE_RULE_KEYS = keysOf(RouteRuleSchema);
const CONDITION_KEYS = keysOf(RouteConditionSchema);
const STATE_STORE_KEYS = keysOf(
  InMemoryStateStoreConfigSchema,
  SqliteStateStoreConfigSchema,
  PostgresStateStoreConfigSchema,
);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the keys of a config (aliases already normalised) before its schema does. A near miss
 * of a known key (`comand`, `maxConcurency`) would be dropped without a word, so it throws a
 * `ConfigError` naming the field with a did-you-mean; so does an unknown plugin `type` or
 * `transport` (with a did-you-mean when close to a known one). Other unknown keys are returned
 * as warnings.
 */
export function checkConfigKeys(config: Record<string, unknown>, file?: string): string[] {
  const warnings: string[] = [];
  const check = (value: unknown, known: readonly string[], path: string): void => {
    if (!isObject(value)) return;
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const field = path === '' ? key : `${path}.${key}`;
      const suggestion = didYouMean(key, known);
      if (suggestion !== undefined) {
        throw new ConfigError(`unknown key '${key}' (did you mean '${suggestion}'?)`, {
          ...(file === undefined ? {} : { file }),
          field,
        });
      }
      warnings.push(`${path === '' ? '' : `${path}: `}unknown config key '${key}'; it is ignored`);
    }
  };
  const checkValue = (
    value: unknown,
    known: readonly string[],
    what: string,
    field: string,
  ): void => {
    if (typeof value !== 'string' || known.includes(value)) return;
    const suggestion = didYouMean(value, known);
    throw new ConfigError(
      `unknown ${what} '${value}' (${suggestion === undefined ? '' : `did you mean '${suggestion}'? `}known: ${known.join(', ')})`,
      { ...(file === undefined ? {} : { file }), field },
    );
  };

  check(config, TOP_LEVEL_KEYS, '');
  for (const [name, plugin] of isObject(config.plugins) ? Object.entries(config.plugins) : []) {
    if (!isObject(plugin)) continue;
    const path = `plugins.${name}`;
    checkValue(plugin.type, Object.keys(PLUGIN_KEYS), 'plugin type', `${path}.type`);
    const known = typeof plugin.type === 'string' ? PLUGIN_KEYS[plugin.type] : undefined;
    if (known === undefined) continue;
    if (plugin.type === 'stepflow')
      checkValue(plugin.transport, TRANSPORTS, 'transport', `${path}.transport`);
    if (plugin.type === 'mcp')
      checkValue(plugin.transport, MCP_TRANSPORTS, 'transport', `${path}.transport`);
    check(plugin, known, path);
    if (plugin.type === 'mock' && isObject(plugin.components)) {
      for (const [component, entry] of Object.entries(plugin.components))
        check(entry, MOCK_COMPONENT_KEYS, `${path}.components.${component}`);
    }
  }
  for (const [pattern, rules] of isObject(config.routes) ? Object.entries(config.routes) : []) {
    if (!Array.isArray(rules)) continue;
    rules.forEach((rule: unknown, index) => {
      const path = `routes.${pattern}[${index}]`;
      check(rule, ROUTE_RULE_KEYS, path);
      const conditions = isObject(rule) ? rule.conditions : undefined;
      if (Array.isArray(conditions))
        conditions.forEach((condition: unknown, c) =>
          check(condition, CONDITION_KEYS, `${path}.conditions[${c}]`),
        );
    });
  }
  check(config.stateStore, STATE_STORE_KEYS, 'stateStore');
  return warnings;
}
