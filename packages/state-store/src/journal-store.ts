import type { FlowResult, RunEvent, RunStatus } from '@stepflow/protocol';

/** One recorded event of a run's journal. */
export interface JournalEntry {
  readonly runId: string;
  /** Position in the run's journal: 1, 2, 3, … without gaps. */
  readonly seq: number;
  readonly event: RunEvent;
}

/** Events to append to one run's journal, as part of a group. */
export interface JournalAppend {
  readonly runId: string;
  /** The events, in order; each must carry this `runId`. May be empty (a status change alone). */
  readonly events: readonly RunEvent[];
  /**
   * The sequence number the writer believes is the run's last (0 before the first event). When
   * given and different, the whole group fails with `sequence-conflict`: another writer got there
   * first. Omit it to append wherever the journal ends.
   */
  readonly expectedSeq?: number;
  /**
   * The lease the writer holds (owner and `Lease.epoch`). When given, the whole group fails with
   * `lease-lost` unless the run's lease is still that owner's with that epoch, checked in the
   * append's transaction. Expiry alone does not fail it: a lapsed lease nobody took is still the
   * writer's, and a taker bumps the epoch in its own transaction, so a runtime that lost its run
   * (paused, partitioned) can never record a step the new owner records too.
   */
  readonly fence?: { readonly owner: string; readonly epoch: number };
  /** A status to set in the same transaction, e.g. `completed` with the `runCompleted` event. */
  readonly status?: RunStatus;
  /** The run's result, with a final `status`. */
  readonly result?: FlowResult;
}

/** Where one append of a group landed. */
export interface AppendedRange {
  readonly runId: string;
  /** Sequence number of the append's first event (`lastSeq + 1` when it had none). */
  readonly firstSeq: number;
  /** Sequence number of its last event: the run's new `lastSeq`. */
  readonly lastSeq: number;
}

/** Options of `readEvents`. */
export interface ReadEventsOptions {
  /** First sequence number to return (default 1). */
  readonly fromSeq?: number;
  /** At most this many entries (default: all). */
  readonly limit?: number;
}

/**
 * Each run's journal of events: the source of truth a run's state is folded from.
 *
 * `appendEvents` is a group commit: the appends of a group (for one or several runs) are written
 * in one transaction, so either every event and status change of the group is durable or none is.
 * Appends to one run are serialised: sequence numbers increase by one without gaps, and events of
 * one append are contiguous.
 */
export interface JournalStore {
  /** Appends a group atomically; returns where each append landed, in the group's order. */
  appendEvents(appends: readonly JournalAppend[]): Promise<AppendedRange[]>;
  /** A run's entries in sequence order (`run-not-found` for an unknown run). */
  readEvents(runId: string, options?: ReadEventsOptions): Promise<JournalEntry[]>;
}
