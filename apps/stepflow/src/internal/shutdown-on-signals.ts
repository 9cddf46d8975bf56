import { killStdioChildren } from '@stepflow/transport-stdio';

/** The signals that end `stepflow` gracefully. */
export const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** One of {@link SHUTDOWN_SIGNALS}. */
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

/** Default time a graceful shutdown may take before the process is ended anyway. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 5000;

/** What a command does when a shutdown signal arrives. */
export interface ShutdownHandler {
  /** Stops gracefully (cancel the run and print its result, close runtimes); settles when done. */
  readonly stop: (signal: ShutdownSignal) => Promise<unknown> | undefined;
  /** Last words once the grace period ran out, synchronous (e.g. print a cancelled result). */
  readonly force?: (signal: ShutdownSignal) => void;
}

const handlers = new Set<ShutdownHandler>();
let installed = false;
let shuttingDown = false;

/**
 * Registers what to do on SIGINT, SIGTERM or SIGHUP; returns a function unregistering it.
 *
 * The first signal runs every handler's `stop`; once all settled, or when the grace period
 * (`STEPFLOW_SHUTDOWN_GRACE_MS`, default 5000 ms) ran out or a second signal arrived, every
 * `force` runs, every component server still running is killed (SIGKILL) and the signal is
 * raised again with its default action, so the process ends by it (exit status 128 + n). The
 * signal is re-raised rather than `process.exit()` called because a builtin blocked in the
 * thread pool (opening a FIFO, say) would make a normal exit wait for it forever.
 */
export function onShutdownSignal(handler: ShutdownHandler): () => void {
  handlers.add(handler);
  if (!installed) {
    installed = true;
    for (const signal of SHUTDOWN_SIGNALS) process.on(signal, () => shutDown(signal));
  }
  return () => {
    handlers.delete(handler);
  };
}

function graceMs(): number {
  const configured = Number(process.env.STEPFLOW_SHUTDOWN_GRACE_MS);
  return Number.isFinite(configured) && configured >= 0 ? configured : DEFAULT_SHUTDOWN_GRACE_MS;
}

function shutDown(signal: ShutdownSignal): void {
  if (shuttingDown) {
    end(signal, true);
    return;
  }
  shuttingDown = true;
  // Ref'd: the process must not wind down on its own while a thread-pool call blocks it.
  setTimeout(() => end(signal, true), graceMs());
  const stopping = [...handlers].map(async (handler) => handler.stop(signal));
  void Promise.allSettled(stopping).then(() => end(signal, false));
}

let ended = false;

function end(signal: ShutdownSignal, forced: boolean): void {
  if (ended) return;
  ended = true;
  if (forced) {
    process.stderr.write(`stepflow: ${signal}: did not stop within the grace period; ending now\n`);
    for (const handler of handlers) {
      try {
        handler.force?.(signal);
      } catch {
        // Nothing more can be done for it: the process ends now.
      }
    }
  }
  killStdioChildren();
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
  // Only if the default action did not end us (it should have).
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), 1000);
}
