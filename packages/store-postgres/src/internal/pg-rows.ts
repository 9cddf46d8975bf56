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

/** The WHERE clause of a run filter, with `$n` parameters numbered after `params`. */
export function runWhere(
  filter: PreparedRunFilter,
  params: unknown[] = [],
): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const next = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.statuses) clauses.push(`status = ANY(${next([...filter.statuses])}::text[])`);
  const equal: [string, string | undefined][] = [
    ['flow_id', filter.flowId],
    ['flow_name', filter.flowName],
    ['parent_run_id', filter.parentRunId],
    ['batch_id', filter.batchId],
  ];
  for (const [column, value] of equal) {
    if (value !== undefined) clauses.push(`${column} = ${next(value)}`);
  }
  if (filter.wakeAtOrBefore !== undefined) {
    clauses.push(`wake_at IS NOT NULL AND wake_at <= ${next(filter.wakeAtOrBefore)}`);
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** The WHERE clause of a batch filter, with `$n` parameters numbered after `params`. */
export function batchWhere(
  filter: PreparedBatchFilter,
  params: unknown[] = [],
): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const next = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.statuses) clauses.push(`status = ANY(${next([...filter.statuses])}::text[])`);
  if (filter.flowId !== undefined) clauses.push(`flow_id = ${next(filter.flowId)}`);
  if (filter.flowName !== undefined) clauses.push(`flow_name = ${next(filter.flowName)}`);
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
