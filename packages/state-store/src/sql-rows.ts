// Rows of the SQL stores (SQLite and PostgreSQL keep the same tables, with text, integer and
// double columns only) and their conversion to records. Public for store implementations.
import {
  RunStatusSchema,
  type FlowResult,
  type RunEvent,
  type RunStatus,
} from '@stepflow/protocol';
import type { PendingAnswer } from './answer-store.ts';
import type { BatchRecord, BatchStatus } from './batch-store.ts';
import type { JournalEntry } from './journal-store.ts';
import type { Lease } from './lease-store.ts';
import type { RunRecord } from './run-store.ts';

/** A `runs` row. */
export interface RunRow {
  id: string;
  flow_id: string;
  flow_name: string | null;
  input: string;
  status: RunStatus;
  parent_run_id: string | null;
  parent_step_id: string | null;
  batch_id: string | null;
  batch_index: number | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
  wake_at: number | null;
  result: string | null;
  last_seq: number;
  lease_owner: string | null;
  lease_acquired_at: number | null;
  lease_expires_at: number | null;
  /** The fencing counter (`Lease.epoch`), kept across releases. */
  lease_epoch: number;
}

/** The columns of a run record (with who holds its lease until when, for `leaseOwner`). */
export const RUN_COLUMNS =
  'id, flow_id, flow_name, input, status, parent_run_id, parent_step_id, batch_id, ' +
  'batch_index, created_at, updated_at, completed_at, wake_at, result, last_seq, ' +
  'lease_owner, lease_expires_at';

/**
 * Converts a `runs` row (at least `RUN_COLUMNS`) to a `RunRecord`, leaving out absent optional
 * fields; `leaseOwner` is set when the lease is live at store time `now`.
 */
export function runRecordOf(
  row: Omit<RunRow, 'lease_acquired_at' | 'lease_epoch'>,
  now: number,
): RunRecord {
  return {
    id: row.id,
    flowId: row.flow_id,
    ...(row.flow_name !== null && { flowName: row.flow_name }),
    input: JSON.parse(row.input) as unknown,
    status: row.status,
    ...(row.parent_run_id !== null && { parentRunId: row.parent_run_id }),
    ...(row.parent_step_id !== null && { parentStepId: row.parent_step_id }),
    ...(row.batch_id !== null && { batchId: row.batch_id, batchIndex: row.batch_index! }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.completed_at !== null && { completedAt: row.completed_at }),
    ...(row.wake_at !== null && { wakeAt: row.wake_at }),
    ...(row.result !== null && { result: JSON.parse(row.result) as FlowResult }),
    lastSeq: row.last_seq,
    ...(row.lease_owner !== null &&
      row.lease_expires_at !== null &&
      row.lease_expires_at > now && { leaseOwner: row.lease_owner }),
  };
}

/** Converts the lease columns of a `runs` row, if it has a lease. */
export function leaseOf(
  row: Pick<
    RunRow,
    'id' | 'lease_owner' | 'lease_acquired_at' | 'lease_expires_at' | 'lease_epoch'
  >,
): Lease | undefined {
  if (row.lease_owner === null) return undefined;
  return {
    runId: row.id,
    owner: row.lease_owner,
    acquiredAt: row.lease_acquired_at!,
    expiresAt: row.lease_expires_at!,
    epoch: Number(row.lease_epoch),
  };
}

/** A `journal` row. */
export interface JournalRow {
  run_id: string;
  seq: number;
  event: string;
}

/** Converts a `journal` row to a `JournalEntry`. */
export function journalEntryOf(row: JournalRow): JournalEntry {
  return { runId: row.run_id, seq: row.seq, event: JSON.parse(row.event) as RunEvent };
}

/** A `batches` row. */
export interface BatchRow {
  id: string;
  flow_id: string;
  flow_name: string | null;
  total: number;
  status: BatchStatus;
  max_concurrency: number | null;
  created_at: number;
  updated_at: number;
}

/** Converts a `batches` row to a `BatchRecord`. */
export function batchRecordOf(row: BatchRow): BatchRecord {
  return {
    id: row.id,
    flowId: row.flow_id,
    ...(row.flow_name !== null && { flowName: row.flow_name }),
    total: row.total,
    status: row.status,
    ...(row.max_concurrency !== null && { maxConcurrency: row.max_concurrency }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A `pending_answers` row. */
export interface AnswerRow {
  run_id: string;
  step_id: string;
  /** The prompt's JSON text. */
  prompt: string;
  schema: string | null;
  answer: string | null;
  answered_by: string | null;
  created_at: number;
  answered_at: number | null;
  expires_at: number | null;
}

/** Converts a `pending_answers` row to a `PendingAnswer`. */
export function pendingAnswerOf(row: AnswerRow): PendingAnswer {
  return {
    runId: row.run_id,
    stepId: row.step_id,
    prompt: JSON.parse(row.prompt) as unknown,
    ...(row.schema !== null && { schema: JSON.parse(row.schema) as Record<string, unknown> }),
    answered: row.answer !== null,
    ...(row.answer !== null && { answer: JSON.parse(row.answer) as unknown }),
    ...(row.answered_by !== null && { answeredBy: row.answered_by }),
    createdAt: row.created_at,
    ...(row.answered_at !== null && { answeredAt: row.answered_at }),
    ...(row.expires_at !== null && { expiresAt: row.expires_at }),
  };
}

/** Per-status counts from `SELECT status, COUNT(*) AS n … GROUP BY status` (zeros included). */
export function statusCounts(
  rows: readonly { readonly status: RunStatus; readonly n: number }[],
): Record<RunStatus, number> {
  const counts = Object.fromEntries(RunStatusSchema.options.map((s) => [s, 0])) as Record<
    RunStatus,
    number
  >;
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}
