import { resolveConfig, silentLogger } from '@stepflow/runtime';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.ts';
import { createCliRuntime } from './create-cli-runtime.ts';
import { checkNetworkPluginUrl } from './network-transport-factories.ts';

const args = (config: Record<string, unknown>) => ({
  name: 'remote',
  config: { type: 'stepflow', ...config },
  workingDirectory: '/',
  logger: silentLogger,
});

describe('checkNetworkPluginUrl', () => {
  it('accepts http(s) URLs for http and ws(s) URLs for websocket', () => {
    for (const url of ['http://127.0.0.1:8080/', 'https://components.internal/rpc']) {
      expect(() => checkNetworkPluginUrl(args({ transport: 'http', url }))).not.toThrow();
    }
    for (const url of ['ws://127.0.0.1:8080', 'wss://components.internal/']) {
      expect(() => checkNetworkPluginUrl(args({ transport: 'websocket', url }))).not.toThrow();
    }
  });

  it('leaves stdio plugins alone', () => {
    expect(() => checkNetworkPluginUrl(args({ transport: 'stdio', command: 'x' }))).not.toThrow();
  });

  it.each([
    [{ transport: 'http' }, "plugins.remote.url: transport 'http' needs a 'url'"],
    [{ transport: 'http', url: 'not a url' }, "plugins.remote.url: 'not a url' is not a valid URL"],
    [
      { transport: 'http', url: 'ws://127.0.0.1:1' },
      "plugins.remote.url: transport 'http' needs a http:// or https:// URL, got 'ws://127.0.0.1:1'",
    ],
    [
      { transport: 'websocket', url: 'http://127.0.0.1:1' },
      "plugins.remote.url: transport 'websocket' needs a ws:// or wss:// URL, got 'http://127.0.0.1:1'",
    ],
  ])('rejects %j naming the plugin and field', (config, message) => {
    expect(() => checkNetworkPluginUrl(args(config))).toThrow(message);
  });
});

describe('createCliRuntime', () => {
  it('turns a bad network url into a usage error naming the config file and field', () => {
    const loaded = resolveConfig(
      { plugins: { remote: { type: 'stepflow', transport: 'websocket', url: 'http://x/' } } },
      { baseDirectory: '/', env: {} },
    );
    const config = { ...loaded, path: '/etc/stepflow-config.yml' };
    let thrown: unknown;
    try {
      createCliRuntime(config, silentLogger);
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
    const runtime = createCliRuntime(loaded, silentLogger);
    await runtime.close();
  });
});
