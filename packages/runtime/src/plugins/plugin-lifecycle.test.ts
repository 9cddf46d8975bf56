import { describe, expect, it } from 'vitest';
import type { FlowResult, StepflowConfig } from '@stepflow/protocol';
import { createRuntime, type PluginFactory } from '../index.ts';
import { deferred, flushPromises, yamlFlow } from '../../test/helpers.ts';

describe('plugin lifecycle and limits', () => {
  it('starts every plugin once before the first run and closes them on close', async () => {
    const calls: string[] = [];
    const factory: PluginFactory = ({ name, config, workingDirectory }) => {
      calls.push(`create ${name} ${String(config.flavour)} ${workingDirectory}`);
      return {
        name,
        start: async () => void calls.push(`start ${name}`),
        listComponents: async () => [],
        execute: async (e) => ({ outcome: 'success', result: e.component }),
        close: async () => void calls.push(`close ${name}`),
      };
    };
    const config = {
      plugins: { p: { type: 'custom', flavour: 'x' } },
      routes: { '/p/{*component}': [{ plugin: 'p' }] },
    } as unknown as StepflowConfig;
    const runtime = createRuntime({
      config,
      workingDirectory: '/work',
      pluginFactories: { custom: factory },
    });
    const flow = yamlFlow(
      'steps: [{ id: s, component: /p/thing }]\noutput: { $from: { step: s } }',
    );
    expect((await runtime.run({ flow, input: {} })).result).toEqual({
      outcome: 'success',
      result: '/thing',
    });
    await runtime.run({ flow, input: {} });
    await runtime.close();
    expect(calls).toEqual(['create p x /work', 'start p', 'close p']);
  });

  it('honours a plugin maxConcurrency', async () => {
    let active = 0;
    let peak = 0;
    const gates: ReturnType<typeof deferred<FlowResult>>[] = [];
    const factory: PluginFactory = ({ name }) => ({
      name,
      listComponents: async () => [],
      execute: async () => {
        active++;
        peak = Math.max(peak, active);
        const gate = deferred<FlowResult>();
        gates.push(gate);
        return gate.promise.finally(() => active--);
      },
      close: async () => undefined,
    });
    const config = {
      plugins: { p: { type: 'custom', maxConcurrency: 2 } },
      routes: { '/{*component}': [{ plugin: 'p' }] },
    } as unknown as StepflowConfig;
    const runtime = createRuntime({
      config,
      workingDirectory: '.',
      pluginFactories: { custom: factory },
    });
    const flow = yamlFlow(
      'steps:\n' +
        [1, 2, 3, 4, 5].map((i) => `  - { id: s${i}, component: /x }`).join('\n') +
        '\noutput: 1',
    );
    const run = runtime.run({ flow, input: {} });
    for (let i = 0; i < 5; i++) {
      await flushPromises();
      gates[i]?.resolve({ outcome: 'success', result: i });
    }
    expect((await run).result).toEqual({ outcome: 'success', result: 1 });
    expect(peak).toBe(2);
  });

  it('a factory that throws is a ConfigError naming the plugin', () => {
    const factory: PluginFactory = () => {
      throw new Error('command is required');
    };
    const config = { plugins: { py: { type: 'custom' } }, routes: {} } as unknown as StepflowConfig;
    expect(() =>
      createRuntime({ config, workingDirectory: '.', pluginFactories: { custom: factory } }),
    ).toThrow("plugins.py: cannot create plugin 'py': command is required");
  });

  it('a plugin that fails to start fails the run before any step', async () => {
    const factory: PluginFactory = ({ name }) => ({
      name,
      start: async () => {
        throw new Error('cannot spawn');
      },
      listComponents: async () => [],
      execute: async () => ({ outcome: 'success', result: null }),
      close: async () => undefined,
    });
    const config = {
      plugins: { p: { type: 'custom' } },
      routes: { '/{*component}': [{ plugin: 'p' }] },
    } as unknown as StepflowConfig;
    const runtime = createRuntime({
      config,
      workingDirectory: '.',
      pluginFactories: { custom: factory },
    });
    await expect(runtime.run({ flow: yamlFlow('output: 1'), input: {} })).rejects.toThrow(
      'cannot spawn',
    );
    await expect(runtime.listComponents()).rejects.toThrow('cannot spawn');
  });
});
