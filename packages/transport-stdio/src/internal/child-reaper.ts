import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let hooked = false;

/** Kills every still-running child synchronously: the last thing this process does. */
function killAll(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

/**
 * Tracks a child so it is killed if this process exits while the child still runs: no orphans,
 * also on `process.exit()` or an uncaught exception. (A parent killed by SIGKILL cannot run
 * hooks; its children then see stdin close, and stdio servers exit on that.)
 */
export function trackChild(child: ChildProcess): () => void {
  if (!hooked) {
    hooked = true;
    process.on('exit', killAll);
  }
  live.add(child);
  return () => {
    live.delete(child);
  };
}
