import type { RunEvent } from '../scheduler/run-event.ts';

/**
 * Where a runtime makes run events durable. With one, a step's result is in the journal before
 * any step that depends on it starts and before the run's result is reported, and a run started
 * again under its id resumes instead of running twice. A state store provides it (see
 * `@stepflow/state-store`); the runtime knows only this port.
 */
export interface RunJournalStore {
  /**
   * Appends events, possibly of several runs, in one transaction (a group commit): all or none.
   * Resolves once they are durable.
   */
  appendEvents(events: readonly RunEvent[]): Promise<void>;
  /** A run's events in order, or `undefined` when the journal has no such run. */
  readEvents(runId: string): Promise<readonly RunEvent[] | undefined>;
  /**
   * Records that a run waits (`paused`, with the earliest timer's `wakeAt`) or goes on again
   * (`running`). Optional: a journal without run records ignores pauses. A run that ended
   * meanwhile keeps its final status.
   */
  markPaused?(runId: string, paused: boolean, wakeAt?: number): Promise<void>;
}
