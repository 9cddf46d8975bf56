import { describe, expect, it } from 'vitest';
import { PluginConfigSchema, StateStoreConfigSchema, StepflowConfigSchema } from '../index.ts';

function issuesOf(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) {
  return (result.error?.issues ?? []).map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
  }));
}

describe('StepflowConfigSchema', () => {
  it('parses the composed example of the spec and fills defaults', () => {
    const config = StepflowConfigSchema.parse({
      plugins: {
        builtin: { type: 'builtin' },
        python: {
          type: 'stepflow',
          transport: 'stdio',
          command: 'uv',
          args: ['--project', '../sdk', 'run', 'stepflow_py'],
          env: { LOG_LEVEL: '${LOG_LEVEL:info}', PORT: 8080, DEBUG: true },
        },
        remote: { type: 'stepflow', transport: 'http', url: 'http://127.0.0.1:8080' },
        socket: {
          type: 'stepflow',
          transport: 'websocket',
          url: 'ws://127.0.0.1:9',
          headers: { a: 'b' },
        },
        fs: {
          type: 'mcp',
          command: 'npx',
          args: ['-y', 'server-filesystem', '/tmp'],
          maxConcurrency: 4,
        },
      },
      routes: {
        '/python/{*component}': [{ plugin: 'python' }],
        '/remote/{component}': [
          { plugin: 'remote', conditions: [{ path: '$.tier', value: 'gpu' }] },
          { plugin: 'python' },
        ],
        '/{*component}': [{ plugin: 'builtin', componentDeny: ['/openai'] }],
      },
      stateStore: { type: 'sqlite', databaseUrl: 'sqlite:stepflow.db?mode=rwc' },
    });
    expect(config.plugins['python']).toEqual({
      type: 'stepflow',
      transport: 'stdio',
      command: 'uv',
      args: ['--project', '../sdk', 'run', 'stepflow_py'],
      env: { LOG_LEVEL: '${LOG_LEVEL:info}', PORT: '8080', DEBUG: 'true' },
      inheritEnv: false,
    });
    expect(config.plugins['remote']).toEqual({
      type: 'stepflow',
      transport: 'http',
      url: 'http://127.0.0.1:8080',
      headers: {},
    });
    expect(config.stateStore).toEqual({
      type: 'sqlite',
      databaseUrl: 'sqlite:stepflow.db?mode=rwc',
      maxConnections: 10,
      autoMigrate: true,
    });
  });

  it('accepts an empty config and keeps routes absent so defaults can apply', () => {
    const config = StepflowConfigSchema.parse({});
    expect(config).toEqual({ plugins: {} });
    expect(config.routes).toBeUndefined();
  });

  it('keeps unknown keys (the loader warns about them)', () => {
    const config = StepflowConfigSchema.parse({
      plugins: { b: { type: 'builtin', max_retries: 3 } },
      extra: 1,
    });
    expect(config).toEqual({ plugins: { b: { type: 'builtin', max_retries: 3 } }, extra: 1 });
  });

  it('names the plugin and field at fault', () => {
    expect(
      issuesOf(
        StepflowConfigSchema.safeParse({
          plugins: { py: { type: 'stepflow', transport: 'stdio' } },
        }),
      ),
    ).toEqual([
      { path: 'plugins.py.command', message: expect.stringContaining('string') as string },
    ]);
    expect(
      issuesOf(
        StepflowConfigSchema.safeParse({
          plugins: { py: { type: 'stepflow', transport: 'grpc' } },
        }),
      )[0]?.path,
    ).toBe('plugins.py.transport');
    expect(
      issuesOf(StepflowConfigSchema.safeParse({ plugins: { x: { type: 'python' } } }))[0]?.path,
    ).toBe('plugins.x.type');
    expect(
      issuesOf(StepflowConfigSchema.safeParse({ routes: { '/a': [{ component: '/x' }] } }))[0]
        ?.path,
    ).toBe('routes./a.0.plugin');
    expect(
      issuesOf(
        StepflowConfigSchema.safeParse({ plugins: { b: { type: 'builtin', maxConcurrency: 0 } } }),
      )[0]?.path,
    ).toBe('plugins.b.maxConcurrency');
    expect(
      issuesOf(
        StepflowConfigSchema.safeParse({
          plugins: { p: { type: 'mcp', command: 'x', env: { A: null } } },
        }),
      )[0]?.path,
    ).toBe('plugins.p.env.A');
  });
});

describe('PluginConfigSchema', () => {
  it('parses mock plugins with object or Map behaviours', () => {
    const success = { outcome: 'success', result: 'hi' };
    const objectForm = PluginConfigSchema.parse({
      type: 'mock',
      components: {
        '/one_output': {
          input_schema: { type: 'object' },
          output_schema: null,
          behaviors: { '{"input":"a"}': success, '{"input":"b"}': { error: 'boom' } },
        },
      },
    });
    expect(objectForm).toMatchObject({
      components: { '/one_output': { behaviors: { '{"input":"a"}': success } } },
    });
    const mapForm = PluginConfigSchema.parse({
      type: 'mock',
      components: {
        '/x': {
          behaviors: new Map([
            [{ input: 'a' }, { outcome: 'failed', error: { code: 8, message: 'e' } }],
          ]),
        },
      },
    });
    expect(mapForm.type === 'mock' && mapForm.components['/x']?.behaviors).toBeInstanceOf(Map);
  });

  it('rejects a mock behaviour that is neither a result nor an error', () => {
    const result = PluginConfigSchema.safeParse({
      type: 'mock',
      components: { '/x': { behaviors: { '1': { outcome: 'success' } } } },
    });
    expect(result.success).toBe(false);
  });

  it('accepts inheritEnv as a list of names', () => {
    const plugin = PluginConfigSchema.parse({
      type: 'stepflow',
      transport: 'stdio',
      command: 'x',
      inheritEnv: ['OPENAI_API_KEY'],
    });
    expect(plugin).toMatchObject({ inheritEnv: ['OPENAI_API_KEY'], args: [], env: {} });
  });
});

describe('StateStoreConfigSchema', () => {
  it('parses each store type', () => {
    expect(StateStoreConfigSchema.parse({ type: 'inMemory' })).toEqual({ type: 'inMemory' });
    expect(
      StateStoreConfigSchema.parse({
        type: 'postgres',
        databaseUrl: 'postgres://x',
        maxConnections: 3,
      }),
    ).toEqual({
      type: 'postgres',
      databaseUrl: 'postgres://x',
      maxConnections: 3,
      autoMigrate: true,
    });
  });

  it('rejects a SQL store without databaseUrl and unknown types', () => {
    expect(StateStoreConfigSchema.safeParse({ type: 'sqlite' }).success).toBe(false);
    expect(StateStoreConfigSchema.safeParse({ type: 'memory' }).success).toBe(false);
  });
});
