import type { RunEvent } from '@stepflow/runtime';

/** Live progress of a run on a terminal: a single status line rewritten in place. */
export interface RunProgress {
  /** Feeds one run event (from `RunRequest.onEvent`). */
  readonly onEvent: (event: RunEvent) => void;
  /** Clears the status line. */
  readonly finish: () => void;
}

/**
 * Shows `steps: D done, R running` on a terminal while a run goes, counting only the top-level
 * run (nested `eval`/`map` runs carry a different run id). Rewrites at most every 100 ms.
 */
export function createRunProgress(
  write: (text: string) => void,
  now: () => number = Date.now,
): RunProgress {
  let rootRunId: string | undefined;
  const running = new Set<string>();
  let done = 0;
  let retrying = 0;
  let lastDraw = 0;
  let drawn = false;
  const draw = (force: boolean): void => {
    const time = now();
    if (!force && time - lastDraw < 100) return;
    lastDraw = time;
    const retries = retrying > 0 ? `, ${retrying} retried` : '';
    write(`\r\u001b[2Kstepflow: steps ${done} done, ${running.size} running${retries}`);
    drawn = true;
  };
  return {
    onEvent(event) {
      if (event.type === 'runStarted' && rootRunId === undefined) rootRunId = event.runId;
      if (event.runId !== rootRunId) return;
      if (event.type === 'stepStarted') running.add(event.stepId);
      else if (event.type === 'stepRetrying') retrying += 1;
      else if (event.type === 'stepCompleted') {
        running.delete(event.stepId);
        done += 1;
      }
      draw(event.type === 'runCompleted');
    },
    finish() {
      if (drawn) write('\r\u001b[2K');
    },
  };
}
