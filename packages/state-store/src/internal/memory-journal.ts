import { isTerminalRunStatus } from '@stepflow/protocol';
import type {
  AppendedRange,
  JournalAppend,
  JournalEntry,
  JournalStore,
  ReadEventsOptions,
} from '../journal-store.ts';
import { StateStoreError } from '../state-store-error.ts';
import { prepareReadRange } from '../journal-read-range.ts';
import { checkLeaseFence } from '../lease-fence.ts';
import type { StoreNotice } from '../lease-store.ts';
import { checkStatusChange, prepareAppends, type PreparedRun } from '../store-input.ts';
import { appendNotices } from '../store-notifier.ts';
import { insertMemoryRun } from './memory-runs.ts';
import { journalEntryOf } from './memory-records.ts';
import type { MemoryTables } from './memory-tables.ts';

/** Journals in memory: a group is checked whole before anything is written. */
export class MemoryJournal implements JournalStore {
  constructor(private readonly t: MemoryTables) {}

  async appendEvents(appends: readonly JournalAppend[]): Promise<AppendedRange[]> {
    this.t.checkOpen();
    const prepared = prepareAppends(appends);
    // Flows of runs to create first: past this await, checks and writes run without yielding.
    const created = new Map<string, { run: PreparedRun; flowName: string | undefined }>();
    for (const { runId, create } of prepared) {
      if (create === undefined || created.has(runId) || this.t.runs.has(runId)) continue;
      const flowName = await this.t.storeFlow(create, `appendEvents: run ${runId}, create`);
      created.set(runId, { run: create, flowName });
    }
    this.t.checkOpen();
    // Check the whole group against simulated journal ends before writing anything.
    const ends = new Map<string, number>();
    const finished = new Set<string>();
    for (const append of prepared) {
      const run = this.t.runs.get(append.runId);
      const toCreate = run === undefined ? created.get(append.runId)?.run : undefined;
      if (run === undefined && toCreate === undefined) this.t.requireRun(append.runId);
      const end = ends.get(append.runId) ?? run?.events.length ?? 0;
      // A final status earlier in the group drops the lease, as it will when written.
      const owner = finished.has(append.runId) ? undefined : this.t.leases.get(append.runId)?.owner;
      checkLeaseFence(append.runId, append.fence, { owner, epoch: run?.leaseEpoch ?? 0 });
      if (append.expectedSeq !== undefined && append.expectedSeq !== end) {
        throw new StateStoreError(
          'sequence-conflict',
          `Run ${append.runId} journal ends at ${end}, the writer expected ${append.expectedSeq}`,
        );
      }
      const status = run?.status ?? toCreate!.status;
      if (append.status !== undefined) checkStatusChange(append.runId, status, append.status);
      if (append.status !== undefined && isTerminalRunStatus(append.status))
        finished.add(append.runId);
      ends.set(append.runId, end + append.events.length);
    }
    for (const { run, flowName } of created.values()) {
      if (!this.t.runs.has(run.id)) insertMemoryRun(this.t, run, flowName);
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
    const { fromSeq, toSeq } = prepareReadRange(runId, options);
    const entries: JournalEntry[] = [];
    for (let index = fromSeq - 1; index < Math.min(toSeq, run.events.length); index++) {
      entries.push(journalEntryOf(run, index));
    }
    return entries;
  }
}
