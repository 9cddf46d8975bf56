import { describe, expect, it } from 'vitest';
import { normalizeConfigAliases, StepflowConfigSchema } from '../index.ts';

describe('normalizeConfigAliases', () => {
  it('renames config keys and reports each with its path', () => {
    const raw = {
      working_directory: './work',
      plugins: {
        py: {
          type: 'stepflow',
          transport: 'stdio',
          command: 'uv',
          inherit_env: true,
          max_concurrency: 2,
        },
        remote: { type: 'stepflow', transport: 'http', url: 'http://x', timeout_ms: 5 },
        mock: {
          type: 'mock',
          components: { '/a': { input_schema: {}, output_schema: {}, behaviors: {} } },
        },
      },
      routes: {
        '/{*component}': [{ plugin: 'py', component_allow: ['/a'], component_deny: ['/b'] }],
      },
      state_store: {
        type: 'sqlite',
        database_url: 'sqlite:x.db',
        max_connections: 2,
        auto_migrate: false,
      },
    };
    const { value, aliases } = normalizeConfigAliases(raw);
    expect(value).toEqual({
      workingDirectory: './work',
      plugins: {
        py: {
          type: 'stepflow',
          transport: 'stdio',
          command: 'uv',
          inheritEnv: true,
          maxConcurrency: 2,
        },
        remote: { type: 'stepflow', transport: 'http', url: 'http://x', timeoutMs: 5 },
        mock: {
          type: 'mock',
          components: { '/a': { input_schema: {}, output_schema: {}, behaviors: {} } },
        },
      },
      routes: {
        '/{*component}': [{ plugin: 'py', componentAllow: ['/a'], componentDeny: ['/b'] }],
      },
      stateStore: {
        type: 'sqlite',
        databaseUrl: 'sqlite:x.db',
        maxConnections: 2,
        autoMigrate: false,
      },
    });
    expect(aliases.map((a) => `${a.path.join('.')}→${a.canonical}`)).toEqual([
      'working_directory→workingDirectory',
      'state_store→stateStore',
      'plugins.py.inherit_env→inheritEnv',
      'plugins.py.max_concurrency→maxConcurrency',
      'plugins.remote.timeout_ms→timeoutMs',
      'routes./{*component}.0.component_allow→componentAllow',
      'routes./{*component}.0.component_deny→componentDeny',
      'stateStore.database_url→databaseUrl',
      'stateStore.max_connections→maxConnections',
      'stateStore.auto_migrate→autoMigrate',
    ]);
    expect(StepflowConfigSchema.safeParse(value).success).toBe(true);
  });

  it('prefixes paths with the base path and leaves env values alone', () => {
    const { value, aliases } = normalizeConfigAliases(
      { plugins: { a: { type: 'mcp', command: 'x', env: { state_store: 'v' } } } },
      ['test', 'config'],
    );
    expect(value).toEqual({
      plugins: { a: { type: 'mcp', command: 'x', env: { state_store: 'v' } } },
    });
    expect(aliases).toEqual([]);
    expect(normalizeConfigAliases({ state_store: {} }, ['f']).aliases[0]?.path).toEqual([
      'f',
      'state_store',
    ]);
  });

  it('returns non-objects and malformed sections unchanged', () => {
    expect(normalizeConfigAliases(7)).toEqual({ value: 7, aliases: [] });
    const raw = { plugins: [1], routes: { '/a': 'x', '/b': [null] }, stateStore: 'memory' };
    expect(normalizeConfigAliases(raw)).toEqual({ value: raw, aliases: [] });
  });
});
