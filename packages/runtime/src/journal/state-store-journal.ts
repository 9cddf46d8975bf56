import type { JournalAppend, NewRun, StateStore } from '@stepflow/state-store';
import { StateStoreError } from '@stepflow/state-store';
import { statusOfResult } from '../run-state/reduce-run-event.ts';
import type { RunEvent } from '../scheduler/run-event.ts';
import { RefusedAppendsError } from './refused-appends-error.ts';
import type { RunJournalStore } from './run-journal-store.ts';

/** The lease a process holds on a run, as the store checks it on each append (fencing). */
export interface LeaseFence {
  readonly owner: string;
  /** The lease's epoch when this process took it: a later taker bumps it. */
  readonly epoch: number;
}

/** Options of {@link createStateStoreJournal}. */
export interface StateStoreJournalOptions {
  /**
   * The lease this process holds on a run, when it executes the run under a lease (scale-out):
   * each append of the run carries it, and the store refuses it with `lease-lost` once another
   * process took the run over, so the run stops here without writing anything further.
   * `undefined` for runs executed without a lease.
   */
  readonly fenceOf?: (runId: string) => LeaseFence | undefined;
}

/** Errors by which the store refuses one run's append while the run goes on elsewhere. */
const REFUSALS: readonly string[] = ['sequence-conflict', 'lease-lost'];

function isRefusal(error: unknown): boolean {
  return StateStoreError.isInstance(error) && REFUSALS.includes(error.code);
}

/**
 * The journal port over a state store. Each run's events go to its journal with the sequence
 * number this process last saw (`expectedSeq`): when anyone else wrote to the run meanwhile (a
 * `stepflow runs cancel`, another process that took the run over), the append fails with
 * `sequence-conflict` and this process stops the run instead of writing over them. A run's record
 * is created with its `runStarted` event and gets its final status with `runCompleted`. With
 * `fenceOf`, appends are also fenced by the run's lease (see {@link StateStoreJournalOptions}).
 * A refusal fails only the refused runs' writers: the other runs of the group are written.
 */
export function createStateStoreJournal(
  store: StateStore,
  options: StateStoreJournalOptions = {},
): RunJournalStore {
  const { fenceOf } = options;
  /** The last sequence number this process knows of each run it writes. */
  const lastSeq = new Map<string, number>();

  /** The run record a `runStarted` event creates (with the event, in one transaction). */
  const newRun = (event: Extract<RunEvent, { type: 'runStarted' }>): NewRun => ({
    id: event.runId,
    flowId: event.flowId,
    input: event.input,
    ...(event.parentRunId === undefined ? {} : { parentRunId: event.parentRunId }),
    ...(event.parentStepId === undefined ? {} : { parentStepId: event.parentStepId }),
  });

  /** Writes a group; when some run refused it, writes the others' appends one by one. */
  const appendGroup = async (appends: readonly JournalAppend[]): Promise<void> => {
    try {
      const ranges = await store.appendEvents(appends);
      for (const range of ranges) lastSeq.set(range.runId, range.lastSeq);
      return;
    } catch (error) {
      if (!isRefusal(error)) throw error;
      if (appends.length === 1) {
        lastSeq.delete(appends[0]!.runId);
        throw error;
      }
    }
    const refused = new Map<string, unknown>();
    for (const append of appends) {
      try {
        const [range] = await store.appendEvents([append]);
        if (range !== undefined) lastSeq.set(range.runId, range.lastSeq);
      } catch (error) {
        if (!isRefusal(error)) throw error;
        refused.set(append.runId, error);
        lastSeq.delete(append.runId);
      }
    }
    if (refused.size > 0) throw new RefusedAppendsError(refused);
  };

  return {
    async appendEvents(events) {
      const byRun = new Map<string, RunEvent[]>();
      for (const event of events) {
        let list = byRun.get(event.runId);
        if (list === undefined) byRun.set(event.runId, (list = []));
        list.push(event);
      }
      const appends: (JournalAppend & { fence?: LeaseFence })[] = [];
      for (const [runId, runEvents] of byRun) {
        const started = runEvents.find((event) => event.type === 'runStarted');
        const last = runEvents[runEvents.length - 1]!;
        const fence = fenceOf?.(runId);
        appends.push({
          runId,
          events: runEvents,
          expectedSeq: lastSeq.get(runId) ?? 0,
          // A record made before (by whoever answered with the run's id) is appended to as is.
          ...(started === undefined ? {} : { create: newRun(started) }),
          ...(last.type === 'runCompleted'
            ? { status: statusOfResult(last.result), result: last.result }
            : {}),
          ...(fence === undefined ? {} : { fence }),
        });
      }
      await appendGroup(appends);
      for (const [runId, runEvents] of byRun)
        if (runEvents[runEvents.length - 1]!.type === 'runCompleted') lastSeq.delete(runId);
    },
    async markPaused(runId, paused, wakeAt) {
      try {
        await store.updateRunStatus(runId, paused ? 'paused' : 'running', {
          wakeAt: paused && wakeAt !== undefined ? wakeAt : null,
          expectedStatus: paused ? 'running' : 'paused',
        });
      } catch (error) {
        // Already in that status, or ended: nothing to change.
        if (
          !StateStoreError.isInstance(error, 'status-conflict') &&
          !StateStoreError.isInstance(error, 'run-not-found')
        )
          throw error;
      }
    },
    async readEvents(runId) {
      try {
        const entries = await store.readEvents(runId);
        if (entries.length === 0) return undefined;
        lastSeq.set(runId, entries[entries.length - 1]!.seq);
        return entries.map((entry) => entry.event);
      } catch (error) {
        if (StateStoreError.isInstance(error, 'run-not-found')) return undefined;
        throw error;
      }
    },
  };
}
