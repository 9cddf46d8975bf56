import type { Runtime } from '@stepflow/runtime';
import { onShutdownSignal } from './shutdown-on-signals.ts';

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
