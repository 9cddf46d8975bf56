import type { StateStore } from '@stepflow/state-store';
import type { EventFeed } from './event-feed.ts';
import type { RunSupervisor } from './run-supervisor.ts';

/** Runs whose last published sequence number is remembered; past it the memory starts over. */
const MAX_FOLLOWED_RUNS = 10_000;

/**
 * Follows the runs other runtimes execute on a shared store: on a store notice that a run's
 * journal grew, wakes the run's event streams here and, while someone reads `GET /events`, reads
 * the new entries and publishes them into this process's feed (each sequence number once).
 */
export class RemoteRunEvents {
  /** The last sequence number published into the feed, per run. */
  private readonly published = new Map<string, number>();
  /** Runs being read now, and whether a newer notice came meanwhile. */
  private readonly reading = new Map<string, number>();

  constructor(
    private readonly store: StateStore,
    private readonly supervisor: RunSupervisor,
    private readonly feed: EventFeed,
  ) {}

  /** A run's journal now ends at `lastSeq` (a store notice). */
  journalGrew(runId: string, lastSeq: number): void {
    // This process's own runs are in the feed already, as they happen.
    if (this.supervisor.isActive(runId)) return;
    this.supervisor.wakeWatchers(runId);
    if (!this.feed.hasReaders) return;
    if (this.reading.has(runId)) {
      this.reading.set(runId, Math.max(lastSeq, this.reading.get(runId)!));
      return;
    }
    this.reading.set(runId, lastSeq);
    void this.catchUp(runId);
  }

  private async catchUp(runId: string): Promise<void> {
    try {
      for (;;) {
        const target = this.reading.get(runId)!;
        const from = (this.published.get(runId) ?? 0) + 1;
        if (from > target) break;
        const entries = await this.store.readEvents(runId, { fromSeq: from });
        if (this.published.size >= MAX_FOLLOWED_RUNS) this.published.clear();
        for (const entry of entries) {
          if (entry.seq <= (this.published.get(runId) ?? 0)) continue;
          this.feed.publish(entry.event);
          this.published.set(runId, entry.seq);
        }
        if (entries.length === 0) break;
      }
    } catch {
      // Deleted meanwhile, or the store closed: the per-run streams read the store themselves.
    } finally {
      this.reading.delete(runId);
    }
  }
}
