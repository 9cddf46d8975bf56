import { resolveConfig, silentLogger } from '@stepflow/runtime';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.ts';
import { createCliRuntime } from './create-cli-runtime.ts';

describe('createCliRuntime', () => {
  it('turns a bad network url into a usage error naming the config file and field', async () => {
    const loaded = resolveConfig(
      { plugins: { remote: { type: 'stepflow', transport: 'websocket', url: 'http://x/' } } },
      { baseDirectory: '/', env: {} },
    );
    const config = { ...loaded, path: '/etc/stepflow-config.yml' };
    let thrown: unknown;
    try {
      await createCliRuntime(config, silentLogger);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CliError);
    expect((thrown as CliError).exitCode).toBe(2);
    expect((thrown as CliError).message).toBe(
      "config error: /etc/stepflow-config.yml: plugins.remote.url: transport 'websocket' needs a ws:// or wss:// URL, got 'http://x/'",
    );
  });

  it('builds a runtime with http and websocket plugins without connecting', async () => {
    const loaded = resolveConfig(
      {
        plugins: {
          a: { type: 'stepflow', transport: 'http', url: 'http://127.0.0.1:1/' },
          b: { type: 'stepflow', transport: 'websocket', url: 'ws://127.0.0.1:1/' },
        },
      },
      { baseDirectory: '/', env: {} },
    );
    const runtime = await createCliRuntime(loaded, silentLogger);
    await runtime.close();
  });

  it('builds a builtin-only runtime without the component-server plugin types', async () => {
    const loaded = resolveConfig({ plugins: { b: { type: 'builtin' } } }, { baseDirectory: '/' });
    const runtime = await createCliRuntime(loaded, silentLogger);
    const { result } = await runtime.run({
      flow: { schema: 'https://stepflow.org/schemas/v1/flow.json', steps: [] },
      input: 1,
    });
    expect(result).toEqual({ outcome: 'success', result: null });
    await runtime.close();
  });

  it('builds the Node runtime as soon as one plugin needs it', async () => {
    const loaded = resolveConfig(
      { plugins: { b: { type: 'builtin' }, m: { type: 'mcp', command: 'true' } } },
      { baseDirectory: '/' },
    );
    const runtime = await createCliRuntime(loaded, silentLogger);
    await runtime.close();
  });
});
