import { isTerminalRunStatus } from '@stepflow/protocol';
import type {
  AppendedRange,
  JournalAppend,
  JournalEntry,
  JournalStore,
  ReadEventsOptions,
} from '../journal-store.ts';
import { StateStoreError } from '../state-store-error.ts';
import { checkLeaseFence } from '../lease-fence.ts';
import type { StoreNotice } from '../lease-store.ts';
import { checkStatusChange, prepareAppends } from '../store-input.ts';
import { appendNotices } from '../store-notifier.ts';
import { journalEntryOf } from './memory-records.ts';
import type { MemoryTables } from './memory-tables.ts';

/** Journals in memory: a group is checked whole before anything is written. */
export class MemoryJournal implements JournalStore {
  constructor(private readonly t: MemoryTables) {}

  async appendEvents(appends: readonly JournalAppend[]): Promise<AppendedRange[]> {
    this.t.checkOpen();
    const prepared = prepareAppends(appends);
    // Check the whole group against a simulated journal end before writing anything.
    const ends = new Map<string, number>();
    const finished = new Set<string>();
    for (const append of prepared) {
      const run = this.t.requireRun(append.runId);
      const end = ends.get(run.id) ?? run.events.length;
      // A final status earlier in the group drops the lease, as it will when written.
      const owner = finished.has(run.id) ? undefined : this.t.leases.get(run.id)?.owner;
      checkLeaseFence(run.id, append.fence, { owner, epoch: run.leaseEpoch });
      if (append.expectedSeq !== undefined && append.expectedSeq !== end) {
        throw new StateStoreError(
          'sequence-conflict',
          `Run ${run.id} journal ends at ${end}, the writer expected ${append.expectedSeq}`,
        );
      }
      if (append.status !== undefined) checkStatusChange(run.id, run.status, append.status);
      if (append.status !== undefined && isTerminalRunStatus(append.status)) finished.add(run.id);
      ends.set(run.id, end + append.events.length);
    }
    const notices: StoreNotice[] = [];
    const ranges = prepared.map((append) => {
      const run = this.t.runs.get(append.runId)!;
      const firstSeq = run.events.length + 1;
      for (const event of append.events) run.events.push(event.text);
      if (append.status === 'running' && run.status !== 'running') notices.push({ type: 'work' });
      if (append.status !== undefined) this.t.applyStatus(run, append.status, append.resultText);
      else run.updatedAt = this.t.clock.now();
      return { runId: run.id, firstSeq, lastSeq: run.events.length };
    });
    this.t.notifier.notify(...appendNotices(ranges), ...notices.slice(0, 1));
    return ranges;
  }

  async readEvents(runId: string, options: ReadEventsOptions = {}): Promise<JournalEntry[]> {
    this.t.checkOpen();
    const run = this.t.requireRun(runId);
    const from = Math.max(1, options.fromSeq ?? 1);
    const end = options.limit === undefined ? run.events.length : from - 1 + options.limit;
    const entries: JournalEntry[] = [];
    for (let index = from - 1; index < Math.min(end, run.events.length); index++) {
      entries.push(journalEntryOf(run, index));
    }
    return entries;
  }
}
