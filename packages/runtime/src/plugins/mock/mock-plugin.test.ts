import { describe, expect, it } from 'vitest';
import { mockPluginFactory, parseFlowText, resolveConfig } from '../../index.ts';
import { silentLogger } from '../../logger.ts';

function mock(components: Record<string, unknown>) {
  return mockPluginFactory({
    name: 'mock',
    config: { type: 'mock', components },
    workingDirectory: '.',
    logger: silentLogger,
  });
}

const context = {} as never;

describe('mock plugin (§4.3)', () => {
  it('matches YAML complex keys by JSON value regardless of key order', async () => {
    const raw = parseFlowText(
      `schema: x
config:
  plugins:
    m:
      type: mock
      components:
        /c:
          behaviors:
            { b: 2, a: 1 }:
              outcome: success
              result: first
            { input: null }:
              outcome: success
              result: nullish
            "plain": { outcome: success, result: string-key }
`,
    ).raw as { config: unknown };
    const { config } = resolveConfig(raw.config, { baseDirectory: '.' });
    const plugin = mockPluginFactory({
      name: 'm',
      config: (config.plugins as Record<string, never>).m!,
      workingDirectory: '.',
      logger: silentLogger,
    });
    expect(await plugin.execute({ component: '/c', input: { a: 1, b: 2 }, context })).toEqual({
      outcome: 'success',
      result: 'first',
    });
    expect(await plugin.execute({ component: '/c', input: { input: null }, context })).toEqual({
      outcome: 'success',
      result: 'nullish',
    });
    expect(await plugin.execute({ component: '/c', input: 'plain', context })).toEqual({
      outcome: 'success',
      result: 'string-key',
    });
  });

  it('accepts JSON-text keys and Map behaviours', async () => {
    const plugin = mock({
      '/a': {
        behaviors: {
          '{"x":1}': { outcome: 'skipped' },
          '"s"': { outcome: 'success', result: 's' },
        },
      },
      '/b': { behaviors: new Map([[{ y: [1] }, { outcome: 'success', result: 'map' }]]) },
    });
    expect(await plugin.execute({ component: '/a', input: { x: 1 }, context })).toEqual({
      outcome: 'skipped',
    });
    expect(await plugin.execute({ component: '/a', input: 's', context })).toEqual({
      outcome: 'success',
      result: 's',
    });
    expect(await plugin.execute({ component: '/b', input: { y: [1] }, context })).toEqual({
      outcome: 'success',
      result: 'map',
    });
  });

  it('returns failed results verbatim and throws for {error} and unknown inputs or components', async () => {
    const plugin = mock({
      '/c': {
        behaviors: {
          '1': { outcome: 'failed', error: { code: 8, message: 'error' } },
          '2': { error: 'infra' },
        },
      },
    });
    expect(await plugin.execute({ component: '/c', input: 1, context })).toEqual({
      outcome: 'failed',
      error: { code: 8, message: 'error' },
    });
    await expect(plugin.execute({ component: '/c', input: 2, context })).rejects.toThrow('infra');
    await expect(
      plugin.execute({ component: '/c', input: { input: 'world' }, context }),
    ).rejects.toThrow('No behavior defined for /c on {"input":"world"}');
    await expect(plugin.execute({ component: '/nope', input: 1, context })).rejects.toThrow(
      /^Component '\/nope' not found in mock plugin 'mock'$/,
    );
    await expect(plugin.execute({ component: '/cc', input: 1, context })).rejects.toThrow(
      "Component '/cc' not found in mock plugin 'mock' (did you mean '/c'?)",
    );
  });

  it('lists its components with their schemas', async () => {
    const plugin = mock({
      '/c': { input_schema: { type: 'object' }, output_schema: { type: 'string' }, behaviors: {} },
    });
    expect(await plugin.listComponents()).toEqual([
      { component: '/c', input_schema: { type: 'object' }, output_schema: { type: 'string' } },
    ]);
  });
});
