import { silentLogger } from '@stepflow/runtime';
import { describe, expect, it } from 'vitest';
import { checkNetworkPluginUrl } from './check-network-plugin-url.ts';

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
