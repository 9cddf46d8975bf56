import type { Runtime } from '@stepflow/runtime';

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
