import { isTerminalRunStatus, type RunStatus } from '@stepflow/protocol';
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
  type StoreNotice,
  type JournalEntry,
  type JournalStore,
  type PreparedAppend,
  type ReadEventsOptions,
} from '@stepflow/state-store';
import type { PostgresConnection, Queryable } from './pg-connection.ts';
import type { JournalRow } from './pg-rows.ts';

/**
 * Journals in the `journal` table, one row per append (see `JournalRow`). A group creates the
 * runs it brings (`create`), then locks its runs' rows in id order (so two groups cannot
 * deadlock) and inserts each append's events as one row.
 */
export class PostgresJournal implements JournalStore {
  constructor(private readonly c: PostgresConnection) {}

  async appendEvents(appends: readonly JournalAppend[]): Promise<AppendedRange[]> {
    const prepared = prepareAppends(appends);
    let resumedAny = false;
    const ranges = await this.c.tx(async (db) => {
      await this.createMissing(db, prepared);
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
        if (append.status !== undefined) checkStatusChange(append.runId, run.status, append.status);
        const first = run.last_seq + 1;
        run.last_seq += append.events.length;
        await db.query(
          append.events.length === 0
            ? `UPDATE ${this.c.t('runs')} SET updated_at = $2 WHERE id = $1`
            : `WITH appended AS (
                 INSERT INTO ${this.c.t('journal')} (run_id, first_seq, last_seq, events)
                 VALUES ($1, $3, $4, $5))
               UPDATE ${this.c.t('runs')} SET last_seq = $4, updated_at = $2 WHERE id = $1`,
          append.events.length === 0
            ? [append.runId, this.c.clock.now()]
            : [
                append.runId,
                this.c.clock.now(),
                first,
                run.last_seq,
                packedEventsText(append.events),
              ],
        );
        if (append.status !== undefined) {
          if (append.status === 'running' && run.status !== 'running') resumed = true;
          await this.c.applyStatus(db, append.runId, append.status, append.resultText);
          run.status = append.status;
          if (isTerminalRunStatus(append.status)) run.lease_owner = null;
        }
        ranges.push({ runId: append.runId, firstSeq: first, lastSeq: run.last_seq });
      }
      resumedAny = resumed;
      return ranges;
    });
    // After the commit, not in it: PostgreSQL serialises the commits of transactions that notify
    // (a database-wide lock held through the flush), which halved the commit rate of concurrent
    // writers. Not awaited: a notice is a hint (listeners poll as well), so one lost to a crash
    // right after the commit costs a listener latency, never data.
    void this.notifyCommitted([
      ...appendNotices(ranges),
      ...(resumedAny ? [{ type: 'work' } as const] : []),
    ]);
    return ranges;
  }

  private async notifyCommitted(notices: readonly StoreNotice[]): Promise<void> {
    try {
      await this.c.notify(this.c.open(), notices);
    } catch {
      // The store closed meanwhile, or the database is gone: listeners find out by polling.
    }
  }

  async readEvents(runId: string, options: ReadEventsOptions = {}): Promise<JournalEntry[]> {
    const db = this.c.open();
    const { fromSeq, toSeq } = prepareReadRange(runId, options);
    await this.c.requireRun(db, runId);
    if (toSeq < fromSeq) return [];
    const { rows } = await db.query<JournalRow>(
      `SELECT run_id, first_seq, last_seq, events FROM ${this.c.t('journal')}
       WHERE run_id = $1 AND first_seq <= $2 AND last_seq >= $3 ORDER BY first_seq`,
      [runId, Number.isFinite(toSeq) ? toSeq : 2147483647, fromSeq],
    );
    return journalEntriesOf(rows, fromSeq, toSeq);
  }

  /** Inserts the runs the group creates that do not exist yet (in id order, like the locks). */
  private async createMissing(db: Queryable, appends: readonly PreparedAppend[]): Promise<void> {
    const creates = new Map<string, NonNullable<PreparedAppend['create']>>();
    for (const { runId, create } of appends) {
      if (create !== undefined && !creates.has(runId)) creates.set(runId, create);
    }
    if (creates.size === 0) return;
    const runs = [...creates.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const names: (string | null)[] = [];
    for (const run of runs) {
      names.push((await this.c.storeFlow(db, run, `appendEvents: run ${run.id}, create`)) ?? null);
    }
    const column = <T>(pick: (run: (typeof runs)[number]) => T): T[] => runs.map(pick);
    await db.query(
      `INSERT INTO ${this.c.t('runs')} (id, flow_id, flow_name, input, status, parent_run_id,
         parent_step_id, created_at, updated_at)
       SELECT id, flow_id, flow_name, input, status, parent_run_id, parent_step_id, $8, $8
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
           $7::text[]) WITH ORDINALITY
           AS n(id, flow_id, flow_name, input, status, parent_run_id, parent_step_id, position)
        ORDER BY position
       ON CONFLICT (id) DO NOTHING`,
      [
        column((run) => run.id),
        column((run) => run.flowId),
        names,
        column((run) => run.inputText),
        column((run) => run.status),
        column((run) => run.parentRunId ?? null),
        column((run) => run.parentStepId ?? null),
        this.c.clock.now(),
      ],
    );
  }
}
