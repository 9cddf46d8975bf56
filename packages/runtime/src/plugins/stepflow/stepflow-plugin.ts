import type { PluginFactory } from '../plugin.ts';
import { ComponentServerPlugin } from './component-server-plugin.ts';
import type { StepflowPluginFactoryOptions } from './stepflow-plugin-options.ts';

/**
 * Creates the factory of `type: stepflow` plugins (component servers over stdio, HTTP or
 * WebSocket); register it as `pluginFactories: { stepflow: createStepflowPluginFactory(...) }`.
 *
 * Lifecycle: the server is started **lazily**, at the first `execute` or `listComponents`, so a
 * server that cannot start fails only the steps routed to it (and `start()` does nothing). Every
 * (re)start runs the handshake `initialize {runtime_protocol_version: 1}` → result →
 * `initialized`. A server that exits, or does not answer `initialize` in time, is restarted with
 * exponential backoff on next use; executions in flight when it died fail with
 * `ComponentUnavailableError`, so the engine retries them with `attempt + 1`. After
 * `maxConsecutiveFailures` failures in a row (reset by any successful response) the plugin is
 * dead and its steps fail with `ComponentServerDeadError`. A JSON-RPC error from
 * `components/execute` becomes a `ComponentError` with the server's code, message and data.
 * While an execute request is pending the server may call back (`blobs/*`, `flows/*`); each
 * callback is matched to its execution by the `run_id`/`step_id` of its `observability` and
 * served with that execution's `RuntimeServices`. A callback without them (the Python SDK sends
 * `observability: null` when it has no trace span) is served by the only execution in flight,
 * else by the run all executions in flight belong to, else as the reference does: nested runs
 * without a parent run.
 *
 * @example
 * const runtime = createRuntime({
 *   config, workingDirectory,
 *   pluginFactories: { stepflow: createStepflowPluginFactory({ transports: { stdio: (launch, ctx) =>
 *     spawnStdioTransport({ ...launch, stderrLines: ctx.logStderrLine, onNonJsonLine: ctx.logNonProtocolLine }) } }) },
 * });
 */
export function createStepflowPluginFactory(options: StepflowPluginFactoryOptions): PluginFactory {
  return (args) => new ComponentServerPlugin(args, options);
}
