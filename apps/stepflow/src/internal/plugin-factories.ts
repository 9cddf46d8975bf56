import { createStepflowPluginFactory, type PluginFactory, type Runtime } from '@stepflow/runtime';
import { spawnStdioTransport } from '@stepflow/transport-stdio';
import { onShutdownSignal } from './shutdown-on-signals.ts';
import {
  checkNetworkPluginUrl,
  NETWORK_TRANSPORT_FACTORIES,
} from './network-transport-factories.ts';

const stepflowPlugins = createStepflowPluginFactory({
  transports: {
    stdio: (launch, context) =>
      spawnStdioTransport({
        command: launch.command,
        args: launch.args,
        env: launch.env,
        cwd: launch.cwd,
        ...(launch.maxMessageBytes === undefined
          ? {}
          : { maxMessageBytes: launch.maxMessageBytes }),
        stderrLines: context.logStderrLine,
        onNonJsonLine: context.logNonProtocolLine,
      }),
    ...NETWORK_TRANSPORT_FACTORIES,
  },
});

/**
 * Plugin factories the CLI adds to the runtime's own (`builtin`, `mock`): `stepflow` component
 * servers over stdio, streamable HTTP or WebSocket, with the transports injected (the runtime
 * never imports a concrete transport). Network URLs are checked when the runtime is created.
 */
export const CLI_PLUGIN_FACTORIES: Readonly<Record<string, PluginFactory>> = {
  stepflow: (args) => {
    checkNetworkPluginUrl(args);
    return stepflowPlugins(args);
  },
};

/**
 * Closes `runtime` (ending every component server it started) when the CLI receives SIGINT,
 * SIGTERM or SIGHUP (see `onShutdownSignal`). Returns the runtime, whose `close` also
 * unregisters it.
 */
export function closeOnSignals(runtime: Runtime): Runtime {
  const unregister = onShutdownSignal({ stop: () => runtime.close() });
  return {
    ...runtime,
    close: async () => {
      unregister();
      await runtime.close();
    },
  };
}
