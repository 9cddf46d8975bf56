// The WHERE clause of a run filter in this database's SQL; the rows and their conversion to
// records are shared by the SQL stores (@stepflow/state-store).
import type { PreparedBatchFilter, PreparedRunFilter } from '@stepflow/state-store';

export {
  batchRecordOf,
  leaseOf,
  pendingAnswerOf,
  RUN_COLUMNS,
  runRecordOf,
} from '@stepflow/state-store';
export type { AnswerRow, BatchRow, JournalRow, RunRow } from '@stepflow/state-store';

/** The WHERE clause (with `?` parameters) of a run filter. */
export function runWhere(filter: PreparedRunFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.statuses) {
    clauses.push(`status IN (${filter.statuses.map(() => '?').join(', ') || 'NULL'})`);
    params.push(...filter.statuses);
  }
  const equal: [string, string | undefined][] = [
    ['flow_id', filter.flowId],
    ['flow_name', filter.flowName],
    ['parent_run_id', filter.parentRunId],
    ['batch_id', filter.batchId],
  ];
  for (const [column, value] of equal) {
    if (value === undefined) continue;
    clauses.push(`${column} = ?`);
    params.push(value);
  }
  if (filter.wakeAtOrBefore !== undefined) {
    clauses.push('wake_at IS NOT NULL AND wake_at <= ?');
    params.push(filter.wakeAtOrBefore);
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** The WHERE clause (with `?` parameters) of a batch filter. */
export function batchWhere(filter: PreparedBatchFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.statuses) {
    clauses.push(`status IN (${filter.statuses.map(() => '?').join(', ') || 'NULL'})`);
    params.push(...filter.statuses);
  }
  for (const [column, value] of [
    ['flow_id', filter.flowId],
    ['flow_name', filter.flowName],
  ] as const) {
    if (value === undefined) continue;
    clauses.push(`${column} = ?`);
    params.push(value);
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
