import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let hooked = false;

/** Kills every still-running child synchronously: the last thing this process does. */
export function killTrackedChildren(): number {
  let signalled = 0;
  for (const child of live) {
    try {
      if (child.kill('SIGKILL')) signalled++;
    } catch {
      // Already gone.
    }
  }
  live.clear();
  return signalled;
}

/**
 * Tracks a child so it is killed if this process exits while the child still runs: no orphans,
 * also on `process.exit()` or an uncaught exception. (A parent killed by SIGKILL cannot run
 * hooks; its children then see stdin close, and stdio servers exit on that.)
 */
export function trackChild(child: ChildProcess): () => void {
  if (!hooked) {
    hooked = true;
    process.on('exit', killTrackedChildren);
  }
  live.add(child);
  return () => {
    live.delete(child);
  };
}
