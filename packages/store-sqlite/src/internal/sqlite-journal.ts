import {
  appendNotices,
  checkLeaseFence,
  checkStatusChange,
  journalEntriesOf,
  packedEventsText,
  prepareAppends,
  prepareReadRange,
  StateStoreError,
  type AppendedRange,
  type JournalAppend,
  type JournalEntry,
  type JournalStore,
  type PreparedAppend,
  type ReadEventsOptions,
} from '@stepflow/state-store';
import type { RunStatus } from '@stepflow/protocol';
import type { SqliteConnection } from './sqlite-connection.ts';
import type { JournalRow } from './sqlite-rows.ts';
import { insertNewRun } from './sqlite-runs.ts';

/**
 * Journals in the `journal` table; a group is one transaction. Each append's events are one
 * row (see `JournalRow`): a fan-out's commit of hundreds of events is one insert and one index
 * entry, plus one update of the run's `last_seq`.
 */
export class SqliteJournal implements JournalStore {
  constructor(private readonly c: SqliteConnection) {}

  async appendEvents(appends: readonly JournalAppend[]): Promise<AppendedRange[]> {
    const prepared = prepareAppends(appends);
    let resumed = false;
    const ranges = await this.c.write(() =>
      prepared.map((append) => {
        const { range, previousStatus } = this.append(append);
        if (append.status === 'running' && previousStatus !== 'running') resumed = true;
        return range;
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
    const { fromSeq, toSeq } = prepareReadRange(runId, options);
    if (!this.c.sql('SELECT 1 FROM runs WHERE id = ?').get(runId)) {
      throw new StateStoreError('run-not-found', `No run with id ${runId}`);
    }
    if (toSeq < fromSeq) return [];
    // Rows overlapping the range; `first_seq` bounds the index scan from above.
    const rows = this.c
      .sql(
        'SELECT run_id, first_seq, last_seq, events FROM journal ' +
          'WHERE run_id = ? AND first_seq <= ? AND last_seq >= ? ORDER BY first_seq',
      )
      .all(
        runId,
        Number.isFinite(toSeq) ? toSeq : Number.MAX_SAFE_INTEGER,
        fromSeq,
      ) as JournalRow[];
    return journalEntriesOf(rows, fromSeq, toSeq);
  }

  /** One append, inside the group's transaction. */
  private append(append: PreparedAppend): {
    range: AppendedRange;
    previousStatus: RunStatus;
  } {
    const runId = append.runId;
    let run = this.c
      .sql('SELECT status, last_seq, lease_owner, lease_epoch FROM runs WHERE id = ?')
      .get(runId) as
      | { status: RunStatus; last_seq: number; lease_owner: string | null; lease_epoch: number }
      | undefined;
    if (run === undefined && append.create !== undefined) {
      insertNewRun(this.c, append.create, `appendEvents: run ${runId}, create`);
      run = { status: append.create.status, last_seq: 0, lease_owner: null, lease_epoch: 0 };
    }
    if (run === undefined) throw new StateStoreError('run-not-found', `No run with id ${runId}`);
    checkLeaseFence(runId, append.fence, { owner: run.lease_owner, epoch: run.lease_epoch });
    if (append.expectedSeq !== undefined && append.expectedSeq !== run.last_seq) {
      throw new StateStoreError(
        'sequence-conflict',
        `Run ${runId} journal ends at ${run.last_seq}, the writer expected ${append.expectedSeq}`,
      );
    }
    const firstSeq = run.last_seq + 1;
    const lastSeq = run.last_seq + append.events.length;
    if (append.events.length > 0) {
      this.c
        .sql('INSERT INTO journal (run_id, first_seq, last_seq, events) VALUES (?, ?, ?, ?)')
        .run(runId, firstSeq, lastSeq, packedEventsText(append.events));
    }
    if (append.status !== undefined) checkStatusChange(runId, run.status, append.status);
    this.c
      .sql('UPDATE runs SET last_seq = ?, updated_at = ? WHERE id = ?')
      .run(lastSeq, this.c.clock.now(), runId);
    if (append.status !== undefined) this.c.applyStatus(runId, append.status, append.resultText);
    return { range: { runId, firstSeq, lastSeq }, previousStatus: run.status };
  }
}
