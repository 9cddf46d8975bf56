import { killTrackedChildren } from './internal/child-reaper.ts';

/**
 * Kills with SIGKILL, synchronously, every child process started by `spawnStdioTransport` that
 * still runs. For an application about to end without running `exit` hooks (by re-raising a
 * signal, say): it happens on `process.exit` anyway. Returns how many children were signalled.
 *
 * @example
 * process.once('SIGTERM', () => {
 *   killStdioChildren();
 *   process.kill(process.pid, 'SIGTERM');
 * });
 */
export function killStdioChildren(): number {
  return killTrackedChildren();
}
