// The in-memory store keeps every value as JSON text, like the SQL stores, so callers can never
// mutate what is stored and all stores agree on what survives (JSON only, key order kept).
import type { FlowResult, RunEvent, RunStatus } from '@stepflow/protocol';
import type { PendingAnswer } from '../answer-store.ts';
import type { BatchRecord } from '../batch-store.ts';
import type { JournalEntry } from '../journal-store.ts';
import type { RunRecord } from '../run-store.ts';

/** A run row of the memory store. */
export interface MemoryRun {
  readonly id: string;
  readonly order: number;
  readonly flowId: string;
  readonly flowName?: string;
  readonly inputText: string;
  status: RunStatus;
  readonly parentRunId?: string;
  readonly parentStepId?: string;
  readonly batchId?: string;
  readonly batchIndex?: number;
  readonly createdAt: number;
  updatedAt: number;
  completedAt?: number;
  wakeAt?: number;
  resultText?: string;
  /** The journal: event texts, entry `i` has sequence number `i + 1`. */
  readonly events: string[];
  /** The fencing counter (`Lease.epoch`), kept across releases. */
  leaseEpoch: number;
}

/** A question row of the memory store. */
export interface MemoryAnswer {
  readonly order: number;
  readonly runId: string;
  readonly stepId: string;
  readonly promptText: string;
  readonly schemaText?: string;
  answerText?: string;
  answeredBy?: string;
  readonly createdAt: number;
  answeredAt?: number;
  readonly expiresAt?: number;
}

/** Turns a memory run row into the record callers see (`leaseOwner`: its live lease's owner). */
export function runRecordOf(run: MemoryRun, leaseOwner?: string): RunRecord {
  return {
    id: run.id,
    flowId: run.flowId,
    ...(run.flowName !== undefined && { flowName: run.flowName }),
    input: JSON.parse(run.inputText) as unknown,
    status: run.status,
    ...(run.parentRunId !== undefined && { parentRunId: run.parentRunId }),
    ...(run.parentStepId !== undefined && { parentStepId: run.parentStepId }),
    ...(run.batchId !== undefined && { batchId: run.batchId, batchIndex: run.batchIndex }),
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    ...(run.completedAt !== undefined && { completedAt: run.completedAt }),
    ...(run.wakeAt !== undefined && { wakeAt: run.wakeAt }),
    ...(run.resultText !== undefined && { result: JSON.parse(run.resultText) as FlowResult }),
    lastSeq: run.events.length,
    ...(leaseOwner !== undefined && { leaseOwner }),
  };
}

/** The journal entry at `index` of a memory run. */
export function journalEntryOf(run: MemoryRun, index: number): JournalEntry {
  return { runId: run.id, seq: index + 1, event: JSON.parse(run.events[index]!) as RunEvent };
}

/** Turns a memory question row into the record callers see. */
export function pendingAnswerOf(row: MemoryAnswer): PendingAnswer {
  return {
    runId: row.runId,
    stepId: row.stepId,
    prompt: JSON.parse(row.promptText) as unknown,
    ...(row.schemaText !== undefined && {
      schema: JSON.parse(row.schemaText) as Record<string, unknown>,
    }),
    answered: row.answerText !== undefined,
    ...(row.answerText !== undefined && { answer: JSON.parse(row.answerText) as unknown }),
    ...(row.answeredBy !== undefined && { answeredBy: row.answeredBy }),
    createdAt: row.createdAt,
    ...(row.answeredAt !== undefined && { answeredAt: row.answeredAt }),
    ...(row.expiresAt !== undefined && { expiresAt: row.expiresAt }),
  };
}

/** A batch row of the memory store (records are immutable apart from status). */
export type MemoryBatch = { -readonly [K in keyof BatchRecord]: BatchRecord[K] };
