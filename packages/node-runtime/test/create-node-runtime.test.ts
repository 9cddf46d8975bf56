import { fileURLToPath } from 'node:url';
import type { Flow } from '@stepflow/protocol';
import { ConfigError, resolveConfig } from '@stepflow/runtime';
import { createStreamableHttpHandler, listenHttp } from '@stepflow/transport-http';
import { listenWebSocket } from '@stepflow/transport-ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeRuntime } from '../src/index.ts';
// @ts-expect-error: a plain .mjs fixture, also run as a child process
import { serveEcho } from './fixtures/echo-component.mjs';

const fixture = fileURLToPath(new URL('./fixtures/echo-component.mjs', import.meta.url));
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const flow: Flow = {
  schema: 'https://stepflow.org/schemas/v1/flow.json',
  steps: [
    {
      id: 'echo',
      component: '/remote/echo',
      input: { name: { $from: { workflow: 'input' }, path: 'name' } },
    },
  ],
  output: { $from: { step: 'echo' } },
};

function configFor(plugin: Record<string, unknown>) {
  return resolveConfig(
    { plugins: { remote: plugin }, routes: { '/remote/{*component}': [{ plugin: 'remote' }] } },
    { baseDirectory: process.cwd(), env: {} },
  );
}

async function runEcho(plugin: Record<string, unknown>): Promise<unknown> {
  const { config, workingDirectory } = configFor(plugin);
  const runtime = createNodeRuntime({ config, workingDirectory });
  cleanups.push(() => runtime.close());
  const { result } = await runtime.run({ flow, input: { name: 'Ada' } });
  return result;
}

describe('createNodeRuntime', () => {
  it('runs a component server over stdio', async () => {
    const plugin = { type: 'stepflow', transport: 'stdio', command: process.execPath };
    expect(await runEcho({ ...plugin, args: [fixture, 'stdio'] })).toEqual({
      outcome: 'success',
      result: { name: 'Ada', via: 'stdio' },
    });
  });

  it('runs a component server over streamable HTTP', async () => {
    const handler = createStreamableHttpHandler();
    const listener = await listenHttp(handler);
    cleanups.push(() => listener.close());
    const peer = await serveEcho(handler.transport, 'http');
    cleanups.push(() => peer.close());
    expect(await runEcho({ type: 'stepflow', transport: 'http', url: listener.url })).toEqual({
      outcome: 'success',
      result: { name: 'Ada', via: 'http' },
    });
  });

  it('runs a component server over WebSocket', async () => {
    const listener = await listenWebSocket({
      onConnection: (transport) => void serveEcho(transport, 'websocket'),
    });
    cleanups.push(() => listener.close());
    expect(await runEcho({ type: 'stepflow', transport: 'websocket', url: listener.url })).toEqual({
      outcome: 'success',
      result: { name: 'Ada', via: 'websocket' },
    });
  });

  it('rejects a network plugin url of the wrong scheme before anything runs', () => {
    const { config, workingDirectory } = configFor({
      type: 'stepflow',
      transport: 'websocket',
      url: 'http://127.0.0.1:1/',
    });
    let thrown: unknown;
    try {
      createNodeRuntime({ config, workingDirectory });
    } catch (error) {
      thrown = error;
    }
    expect(ConfigError.isInstance(thrown)).toBe(true);
    expect((thrown as ConfigError).message).toBe(
      "plugins.remote.url: transport 'websocket' needs a ws:// or wss:// URL, got 'http://127.0.0.1:1/'",
    );
  });
});
