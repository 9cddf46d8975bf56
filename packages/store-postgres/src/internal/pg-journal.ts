import { isTerminalRunStatus, type RunStatus } from '@stepflow/protocol';
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
import type { PostgresConnection } from './pg-connection.ts';
import { journalEntryOf, type JournalRow } from './pg-rows.ts';

/**
 * Journals in the `journal` table. A group locks its runs' rows in id order (so two groups
 * cannot deadlock) and inserts each append's events with one statement.
 */
export class PostgresJournal implements JournalStore {
  constructor(private readonly c: PostgresConnection) {}

  async appendEvents(appends: readonly JournalAppend[]): Promise<AppendedRange[]> {
    const prepared = prepareAppends(appends);
    return this.c.tx(async (db) => {
      const ids = [...new Set(prepared.map((a) => a.runId))].sort();
      // The row locks also serialise the fence check with a claim or acquire taking the lease.
      const { rows } = await db.query<{
        id: string;
        status: RunStatus;
        last_seq: number;
        lease_owner: string | null;
        lease_epoch: number;
      }>(
        `SELECT id, status, last_seq, lease_owner, lease_epoch FROM ${this.c.t('runs')}
          WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
        [ids],
      );
      const runs = new Map(rows.map((row) => [row.id, row]));
      const ranges: AppendedRange[] = [];
      let resumed = false;
      for (const append of prepared) {
        const run = runs.get(append.runId);
        if (!run) throw new StateStoreError('run-not-found', `No run with id ${append.runId}`);
        checkLeaseFence(append.runId, append.fence, {
          owner: run.lease_owner,
          epoch: run.lease_epoch,
        });
        if (append.expectedSeq !== undefined && append.expectedSeq !== run.last_seq) {
          throw new StateStoreError(
            'sequence-conflict',
            `Run ${append.runId} journal ends at ${run.last_seq}, ` +
              `the writer expected ${append.expectedSeq}`,
          );
        }
        const first = run.last_seq + 1;
        if (append.events.length > 0) {
          await db.query(
            `INSERT INTO ${this.c.t('journal')} (run_id, seq, type, event)
             SELECT $1, $2::integer + ordinality::integer - 1, type, event
               FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS e(type, event)`,
            [
              append.runId,
              first,
              append.events.map((e) => e.type),
              append.events.map((e) => e.text),
            ],
          );
        }
        run.last_seq += append.events.length;
        await db.query(
          `UPDATE ${this.c.t('runs')} SET last_seq = $2, updated_at = $3 WHERE id = $1`,
          [append.runId, run.last_seq, this.c.clock.now()],
        );
        if (append.status !== undefined) {
          checkStatusChange(append.runId, run.status, append.status);
          if (append.status === 'running' && run.status !== 'running') resumed = true;
          await this.c.applyStatus(db, append.runId, append.status, append.resultText);
          run.status = append.status;
          if (isTerminalRunStatus(append.status)) run.lease_owner = null;
        }
        ranges.push({ runId: append.runId, firstSeq: first, lastSeq: run.last_seq });
      }
      // In the transaction: delivered at commit, so a listener reads what it was told about.
      await this.c.notify(db, [
        ...appendNotices(ranges),
        ...(resumed ? [{ type: 'work' } as const] : []),
      ]);
      return ranges;
    });
  }

  async readEvents(runId: string, options: ReadEventsOptions = {}): Promise<JournalEntry[]> {
    const db = this.c.open();
    await this.c.requireRun(db, runId);
    const { rows } = await db.query<JournalRow>(
      `SELECT run_id, seq, event FROM ${this.c.t('journal')} WHERE run_id = $1 AND seq >= $2
       ORDER BY seq LIMIT $3`,
      [runId, options.fromSeq ?? 1, options.limit ?? null],
    );
    return rows.map(journalEntryOf);
  }
}
