import { randomUUID } from 'node:crypto';
import type { RunEvent } from '@stepflow/protocol';

/** One event of the feed with its position in it. */
export interface FeedEntry {
  /** Position in this process's feed: 1, 2, 3, … */
  readonly seq: number;
  readonly event: RunEvent;
}

/** What a reader asked for with a `Last-Event-ID`: where to start, and whether events were lost. */
export interface FeedCursor {
  /** Read the entries after this position. */
  readonly after: number;
  /** Some events after the client's last one are no longer held (or were another process's). */
  readonly gap: boolean;
}

/** Events held for readers that reconnect (`Last-Event-ID`), by default. */
export const DEFAULT_FEED_CAPACITY = 10_000;

/**
 * The events of every run this process executes, numbered in the order they happened, with the
 * latest `capacity` of them held so `GET /events` can resume a reconnecting client without a gap.
 * The store has no sequence across runs (each journal has its own), so ids are this process's:
 * `<epoch>-<seq>`, where `epoch` changes with every process; an id of another epoch, or one older
 * than what is held, resumes from the oldest held event and reports the gap.
 */
export class EventFeed {
  /** Tells this process's ids from another's. */
  readonly epoch = randomUUID().slice(0, 8);
  private entries: FeedEntry[] = [];
  private last = 0;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly capacity = DEFAULT_FEED_CAPACITY) {}

  /** Records an event and wakes the readers. */
  publish(event: RunEvent): void {
    this.entries.push({ seq: ++this.last, event });
    // Trimmed in bulk: shifting one entry per event would copy the whole array each time.
    if (this.entries.length >= this.capacity * 2) this.entries = this.entries.slice(-this.capacity);
    for (const listener of this.listeners) listener();
  }

  /** The SSE id of an entry. */
  idOf(entry: FeedEntry): string {
    return `${this.epoch}-${entry.seq}`;
  }

  /** Where a client resumes: live only without an id, after its last event with one. */
  cursorFor(lastEventId: string | undefined): FeedCursor {
    if (lastEventId === undefined || lastEventId === '') return { after: this.last, gap: false };
    const match = /^([0-9a-f]{8})-(\d+)$/.exec(lastEventId);
    const seq = match === null ? NaN : Number(match[2]);
    if (match?.[1] !== this.epoch || !Number.isSafeInteger(seq) || seq > this.last)
      return { after: this.oldestHeld() - 1, gap: true };
    return this.check(seq);
  }

  /** Entries after `cursor`; `gap` when some were dropped before the reader got them. */
  read(after: number): { entries: FeedEntry[]; gap: boolean; last: number } {
    const cursor = this.check(after);
    const first = this.entries[0]?.seq ?? this.last + 1;
    const entries = this.entries.slice(Math.max(0, cursor.after + 1 - first));
    return { entries, gap: cursor.gap, last: this.last };
  }

  /** Whether anyone reads the feed live now. */
  get hasReaders(): boolean {
    return this.listeners.size > 0;
  }

  /** Calls `wake` on every new event; returns the unsubscribe. */
  onPublish(wake: () => void): () => void {
    this.listeners.add(wake);
    return () => this.listeners.delete(wake);
  }

  private oldestHeld(): number {
    return this.entries[0]?.seq ?? this.last + 1;
  }

  private check(after: number): FeedCursor {
    const oldest = this.oldestHeld();
    return after + 1 < oldest ? { after: oldest - 1, gap: true } : { after, gap: false };
  }
}
