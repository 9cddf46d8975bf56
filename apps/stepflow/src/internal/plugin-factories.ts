import { createStepflowPluginFactory, type PluginFactory, type Runtime } from '@stepflow/runtime';
import { spawnStdioTransport } from '@stepflow/transport-stdio';
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

const open = new Set<Runtime>();
let hooked = false;

/**
 * Closes `runtime` (ending every component server it started) when the CLI receives SIGTERM,
 * or SIGINT that no command handles itself, then lets the signal end the process as usual.
 * Returns the runtime, whose `close` also unregisters it.
 */
export function closeOnSignals(runtime: Runtime): Runtime {
  open.add(runtime);
  if (!hooked) {
    hooked = true;
    process.on('SIGTERM', () => void shutDown('SIGTERM'));
    process.on('SIGINT', () => {
      // A command with its own SIGINT handler (run: cancel and print the result) closes its runtime.
      if (process.listenerCount('SIGINT') > 1) return;
      void shutDown('SIGINT');
    });
  }
  return {
    ...runtime,
    close: async () => {
      open.delete(runtime);
      await runtime.close();
    },
  };
}

async function shutDown(signal: NodeJS.Signals): Promise<void> {
  const closing = [...open];
  open.clear();
  await Promise.allSettled(closing.map((runtime) => runtime.close()));
  process.exitCode = signal === 'SIGTERM' ? 143 : 130;
  process.exit();
}
