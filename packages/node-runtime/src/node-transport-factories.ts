import type { StepflowTransportFactories } from '@stepflow/runtime';
import { spawnStdioTransport } from '@stepflow/transport-stdio';
import { createLazyTransport } from './internal/lazy-transport.ts';

/**
 * The transports of `type: stepflow` plugins on Node: stdio child processes, streamable HTTP and
 * WebSocket. The network clients are imported when a plugin first connects, so a process that
 * only runs builtins never loads undici or ws.
 *
 * Both network transports close when the server is lost (unreachable, connection broken, session
 * expired) instead of reconnecting on their own: the plugin then reports the executions in
 * flight as unavailable (the engine retries them with `attempt + 1`) and connects and
 * initializes anew on next use.
 */
export const nodeTransportFactories: Required<StepflowTransportFactories> = {
  stdio: (launch, context) =>
    spawnStdioTransport({
      command: launch.command,
      args: launch.args,
      env: launch.env,
      cwd: launch.cwd,
      ...(launch.maxMessageBytes === undefined ? {} : { maxMessageBytes: launch.maxMessageBytes }),
      stderrLines: context.logStderrLine,
      onNonJsonLine: context.logNonProtocolLine,
    }),
  http: (config) =>
    createLazyTransport(async () => {
      const { createHttpClientTransport } = await import('@stepflow/transport-http');
      return createHttpClientTransport({
        url: config.url,
        headers: config.headers,
        closeOnServerLoss: true,
        ...(config.timeoutMs !== undefined && { timeoutMs: config.timeoutMs }),
      });
    }),
  websocket: (config) =>
    createLazyTransport(async () => {
      const { createWebSocketClientTransport } = await import('@stepflow/transport-ws');
      return createWebSocketClientTransport({
        url: config.url,
        headers: config.headers,
        reconnect: false,
        // As many connection retries as over HTTP: the plugin's restart policy retries on top.
        retry: { attempts: 3 },
      });
    }),
};
