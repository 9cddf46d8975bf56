import {
  appendNotices,
  checkLeaseFence,
  checkStatusChange,
  prepareAppends,
  StateStoreError,
  type AppendedRange,
  type JournalAppend,
  type JournalEntry,
  type JournalStore,
  type ReadEventsOptions,
} from '@stepflow/state-store';
import type { SqliteConnection } from './sqlite-connection.ts';
import { journalEntryOf, type JournalRow } from './sqlite-rows.ts';

/** Journals in the `journal` table; a group is one transaction. */
export class SqliteJournal implements JournalStore {
  constructor(private readonly c: SqliteConnection) {}

  async appendEvents(appends: readonly JournalAppend[]): Promise<AppendedRange[]> {
    const prepared = prepareAppends(appends);
    let resumed = false;
    const ranges = await this.c.write(() =>
      prepared.map((append) => {
        const row = this.c.requireRun(append.runId);
        checkLeaseFence(append.runId, append.fence, {
          owner: row.lease_owner,
          epoch: row.lease_epoch,
        });
        if (append.expectedSeq !== undefined && append.expectedSeq !== row.last_seq) {
          throw new StateStoreError(
            'sequence-conflict',
            `Run ${append.runId} journal ends at ${row.last_seq}, ` +
              `the writer expected ${append.expectedSeq}`,
          );
        }
        const insert = this.c.sql(
          'INSERT INTO journal (run_id, seq, type, event) VALUES (?, ?, ?, ?)',
        );
        let seq = row.last_seq;
        for (const event of append.events) insert.run(append.runId, ++seq, event.type, event.text);
        this.c
          .sql('UPDATE runs SET last_seq = ?, updated_at = ? WHERE id = ?')
          .run(seq, this.c.clock.now(), append.runId);
        if (append.status !== undefined) {
          checkStatusChange(append.runId, row.status, append.status);
          if (append.status === 'running' && row.status !== 'running') resumed = true;
          this.c.applyStatus(append.runId, append.status, append.resultText);
        }
        return { runId: append.runId, firstSeq: row.last_seq + 1, lastSeq: seq };
      }),
    );
    if (this.c.notifier.active) {
      this.c.notifier.notify(
        ...appendNotices(ranges),
        ...(resumed ? [{ type: 'work' } as const] : []),
      );
    }
    return ranges;
  }

  async readEvents(runId: string, options: ReadEventsOptions = {}): Promise<JournalEntry[]> {
    this.c.checkOpen();
    this.c.requireRun(runId);
    const rows = this.c
      .sql(
        'SELECT run_id, seq, event FROM journal WHERE run_id = ? AND seq >= ? ORDER BY seq LIMIT ?',
      )
      .all(runId, options.fromSeq ?? 1, options.limit ?? -1) as JournalRow[];
    return rows.map(journalEntryOf);
  }
}
