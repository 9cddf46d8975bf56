import type { FlowResult } from '@stepflow/protocol';
import type { RunEvent } from './run-event.ts';

/** Records the events of a run; pass `record` as `RunRequest.onEvent`, `events` as `resumeFrom`. */
export interface RunJournal {
  /** Appends an event. */
  readonly record: (event: RunEvent) => void;
  /** Every event recorded, in order. */
  readonly events: readonly RunEvent[];
  /** The result of every completed step so far (the run's state, derived from the events). */
  stepResults(): Map<string, FlowResult>;
  /** The run's result once `runCompleted` was recorded. */
  result(): FlowResult | undefined;
}

/** Creates an in-memory journal of run events. */
export function createRunJournal(): RunJournal {
  const events: RunEvent[] = [];
  return {
    record: (event) => {
      events.push(event);
    },
    events,
    stepResults() {
      const results = new Map<string, FlowResult>();
      for (const event of events)
        if (event.type === 'stepCompleted') results.set(event.stepId, event.result);
      return results;
    },
    result() {
      for (let i = events.length - 1; i >= 0; i--) {
        const event = events[i]!;
        if (event.type === 'runCompleted') return event.result;
      }
      return undefined;
    },
  };
}
