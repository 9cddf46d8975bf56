import { createMemoryBlobStore, type BlobType } from '@stepflow/blob-store';
import { type RunStatus, RunStatusSchema, isTerminalRunStatus } from '@stepflow/protocol';
import type {
  ListPendingAnswersOptions,
  NewPendingAnswer,
  PendingAnswer,
  SubmitAnswerResult,
} from '../answer-store.ts';
import type { BatchRecord, BatchStatus, ListBatchRunsOptions, NewBatch } from '../batch-store.ts';
import type {
  AppendedRange,
  JournalAppend,
  JournalEntry,
  ReadEventsOptions,
} from '../journal-store.ts';
import type { Lease, UnleasedRunsOptions } from '../lease-store.ts';
import type {
  ListRunsOptions,
  NewRun,
  RunFilter,
  RunRecord,
  RunStatusOptions,
} from '../run-store.ts';
import type { StateStore } from '../state-store.ts';
import { StateStoreError } from '../state-store-error.ts';
import type { StoreClock } from '../store-clock.ts';
import {
  checkBatchStatusChange,
  checkLeaseArgs,
  checkStatusChange,
  flowNameOf,
  prepareAnswer,
  prepareAppends,
  prepareListRuns,
  prepareNewBatch,
  prepareNewRun,
  preparePage,
  preparePendingAnswer,
  prepareStatusOptions,
  prepareRunFilter,
  toStatuses,
  type PreparedFlow,
  type PreparedRunFilter,
} from '../store-input.ts';
import {
  journalEntryOf,
  pendingAnswerOf,
  runRecordOf,
  type MemoryAnswer,
  type MemoryBatch,
  type MemoryRun,
} from './memory-records.ts';

function matches(run: MemoryRun, filter: PreparedRunFilter): boolean {
  return (
    (filter.statuses === undefined || filter.statuses.includes(run.status)) &&
    (filter.flowId === undefined || run.flowId === filter.flowId) &&
    (filter.flowName === undefined || run.flowName === filter.flowName) &&
    (filter.parentRunId === undefined || run.parentRunId === filter.parentRunId) &&
    (filter.batchId === undefined || run.batchId === filter.batchId) &&
    (filter.wakeAtOrBefore === undefined ||
      (run.wakeAt !== undefined && run.wakeAt <= filter.wakeAtOrBefore))
  );
}

/**
 * The memory store. Every write checks everything first and then mutates without an `await` in
 * between, so each call is atomic with respect to every other caller of the same store.
 */
export class MemoryStateStore implements StateStore {
  readonly kind = 'memory';
  private readonly blobs = createMemoryBlobStore();
  private readonly runs = new Map<string, MemoryRun>();
  private readonly batches = new Map<string, MemoryBatch>();
  private readonly answers = new Map<string, MemoryAnswer>();
  private readonly leases = new Map<string, Lease>();
  private order = 0;
  private closed = false;

  constructor(private readonly clock: StoreClock) {}

  async put(data: unknown, blobType?: BlobType): Promise<string> {
    this.checkOpen();
    return this.blobs.put(data, blobType);
  }

  async get(id: string) {
    this.checkOpen();
    return this.blobs.get(id);
  }

  async has(id: string): Promise<boolean> {
    this.checkOpen();
    return this.blobs.has(id);
  }

  async createRun(newRun: NewRun): Promise<RunRecord> {
    this.checkOpen();
    const run = prepareNewRun(newRun);
    const flowName = await this.storeFlow(run, `createRun(${run.id})`);
    this.checkRunIdFree(run.id);
    const now = this.clock.now();
    const row: MemoryRun = {
      id: run.id,
      order: this.order++,
      flowId: run.flowId,
      flowName,
      inputText: run.inputText,
      status: run.status,
      parentRunId: run.parentRunId,
      parentStepId: run.parentStepId,
      createdAt: now,
      updatedAt: now,
      events: [],
    };
    this.runs.set(row.id, row);
    return runRecordOf(row);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    this.checkOpen();
    const run = this.runs.get(runId);
    return run && runRecordOf(run);
  }

  async listRuns(options?: ListRunsOptions): Promise<RunRecord[]> {
    this.checkOpen();
    const query = prepareListRuns(options);
    const found = [...this.runs.values()].filter((run) => matches(run, query));
    if (query.order === 'desc') found.reverse();
    return found.slice(query.offset, query.offset + query.limit).map(runRecordOf);
  }

  async countRuns(filter?: RunFilter): Promise<number> {
    this.checkOpen();
    const query = prepareRunFilter(filter);
    return [...this.runs.values()].filter((run) => matches(run, query)).length;
  }

  async countRunsByStatus(filter?: RunFilter): Promise<Record<RunStatus, number>> {
    this.checkOpen();
    const query = prepareRunFilter(filter, 'countRunsByStatus');
    const counts = Object.fromEntries(RunStatusSchema.options.map((s) => [s, 0])) as Record<
      RunStatus,
      number
    >;
    for (const run of this.runs.values()) if (matches(run, query)) counts[run.status] += 1;
    return counts;
  }

  async updateRunStatus(
    runId: string,
    status: RunStatus,
    options: RunStatusOptions = {},
  ): Promise<RunRecord> {
    this.checkOpen();
    const run = this.requireRun(runId);
    checkStatusChange(runId, run.status, status, options.expectedStatus);
    const { resultText, wakeAt } = prepareStatusOptions(runId, options);
    this.applyStatus(run, status, resultText, wakeAt);
    return runRecordOf(run);
  }

  async appendEvents(appends: readonly JournalAppend[]): Promise<AppendedRange[]> {
    this.checkOpen();
    const prepared = prepareAppends(appends);
    // Check the whole group against a simulated journal end before writing anything.
    const ends = new Map<string, number>();
    for (const append of prepared) {
      const run = this.requireRun(append.runId);
      const end = ends.get(run.id) ?? run.events.length;
      if (append.expectedSeq !== undefined && append.expectedSeq !== end) {
        throw new StateStoreError(
          'sequence-conflict',
          `Run ${run.id} journal ends at ${end}, the writer expected ${append.expectedSeq}`,
        );
      }
      if (append.status !== undefined) checkStatusChange(run.id, run.status, append.status);
      ends.set(run.id, end + append.events.length);
    }
    return prepared.map((append) => {
      const run = this.runs.get(append.runId)!;
      const firstSeq = run.events.length + 1;
      for (const event of append.events) run.events.push(event.text);
      if (append.status !== undefined) this.applyStatus(run, append.status, append.resultText);
      else run.updatedAt = this.clock.now();
      return { runId: run.id, firstSeq, lastSeq: run.events.length };
    });
  }

  async readEvents(runId: string, options: ReadEventsOptions = {}): Promise<JournalEntry[]> {
    this.checkOpen();
    const run = this.requireRun(runId);
    const from = Math.max(1, options.fromSeq ?? 1);
    const end = options.limit === undefined ? run.events.length : from - 1 + options.limit;
    const entries: JournalEntry[] = [];
    for (let index = from - 1; index < Math.min(end, run.events.length); index++) {
      entries.push(journalEntryOf(run, index));
    }
    return entries;
  }

  async createBatch(newBatch: NewBatch): Promise<BatchRecord> {
    this.checkOpen();
    const batch = prepareNewBatch(newBatch);
    const flowName = await this.storeFlow(batch, `createBatch(${batch.id})`);
    if (this.batches.has(batch.id)) {
      throw new StateStoreError('batch-exists', `A batch with id ${batch.id} exists already`);
    }
    for (const run of batch.runs) this.checkRunIdFree(run.id);
    const now = this.clock.now();
    const record: MemoryBatch = {
      id: batch.id,
      flowId: batch.flowId,
      ...(flowName !== undefined && { flowName }),
      total: batch.runs.length,
      status: 'running',
      ...(batch.maxConcurrency !== undefined && { maxConcurrency: batch.maxConcurrency }),
      createdAt: now,
      updatedAt: now,
    };
    this.batches.set(batch.id, record);
    batch.runs.forEach((run, batchIndex) => {
      this.runs.set(run.id, {
        id: run.id,
        order: this.order++,
        flowId: batch.flowId,
        flowName,
        inputText: run.inputText,
        status: 'running',
        parentRunId: batch.parentRunId,
        parentStepId: batch.parentStepId,
        batchId: batch.id,
        batchIndex,
        createdAt: now,
        updatedAt: now,
        events: [],
      });
    });
    return { ...record };
  }

  async getBatch(batchId: string): Promise<BatchRecord | undefined> {
    this.checkOpen();
    const batch = this.batches.get(batchId);
    return batch && { ...batch };
  }

  async listBatchRuns(batchId: string, options: ListBatchRunsOptions = {}): Promise<RunRecord[]> {
    this.checkOpen();
    const page = preparePage(options, 'listBatchRuns');
    const statuses = prepareRunFilter({ status: options.status }, 'listBatchRuns').statuses;
    this.requireBatch(batchId);
    return [...this.runs.values()]
      .filter((run) => run.batchId === batchId && (!statuses || statuses.includes(run.status)))
      .sort((a, b) => a.batchIndex! - b.batchIndex!)
      .slice(page.offset, page.offset + page.limit)
      .map(runRecordOf);
  }

  async updateBatchStatus(batchId: string, status: BatchStatus): Promise<BatchRecord> {
    this.checkOpen();
    const batch = this.requireBatch(batchId);
    checkBatchStatusChange(batchId, batch.status, status);
    batch.status = status;
    batch.updatedAt = this.clock.now();
    return { ...batch };
  }

  async createPendingAnswer(newAnswer: NewPendingAnswer): Promise<PendingAnswer> {
    this.checkOpen();
    const { request, schemaText } = preparePendingAnswer(newAnswer);
    this.requireRun(request.runId);
    const key = JSON.stringify([request.runId, request.stepId]);
    const existing = this.answers.get(key);
    if (existing) return pendingAnswerOf(existing);
    const row: MemoryAnswer = {
      order: this.order++,
      runId: request.runId,
      stepId: request.stepId,
      prompt: request.prompt,
      schemaText,
      createdAt: this.clock.now(),
      expiresAt: request.expiresAt,
    };
    this.answers.set(key, row);
    return pendingAnswerOf(row);
  }

  async getPendingAnswer(runId: string, stepId: string): Promise<PendingAnswer | undefined> {
    this.checkOpen();
    const row = this.answers.get(JSON.stringify([runId, stepId]));
    return row && pendingAnswerOf(row);
  }

  async listPendingAnswers(options: ListPendingAnswersOptions = {}): Promise<PendingAnswer[]> {
    this.checkOpen();
    const page = preparePage(options, 'listPendingAnswers');
    return [...this.answers.values()]
      .filter(
        (row) =>
          (options.runId === undefined || row.runId === options.runId) &&
          (options.answered === undefined || (row.answerText !== undefined) === options.answered),
      )
      .slice(page.offset, page.offset + page.limit)
      .map(pendingAnswerOf);
  }

  async submitAnswer(
    runId: string,
    stepId: string,
    answer: unknown,
    answeredBy?: string,
  ): Promise<SubmitAnswerResult> {
    this.checkOpen();
    const answerText = prepareAnswer(runId, stepId, answer, answeredBy);
    const row = this.answers.get(JSON.stringify([runId, stepId]));
    if (!row) {
      throw new StateStoreError('answer-not-found', `Run ${runId} step ${stepId} asked nothing`);
    }
    if (row.answerText !== undefined) return { accepted: false, record: pendingAnswerOf(row) };
    row.answerText = answerText;
    row.answeredBy = answeredBy;
    row.answeredAt = this.clock.now();
    return { accepted: true, record: pendingAnswerOf(row) };
  }

  async acquireLease(runId: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    this.checkOpen();
    checkLeaseArgs(runId, owner, ttlMs);
    this.requireRun(runId);
    const now = this.clock.now();
    const current = this.leases.get(runId);
    if (current && current.owner !== owner && current.expiresAt > now) return undefined;
    const lease: Lease = {
      runId,
      owner,
      acquiredAt: current?.owner === owner && current.expiresAt > now ? current.acquiredAt : now,
      expiresAt: now + ttlMs,
    };
    this.leases.set(runId, lease);
    return lease;
  }

  async renewLease(runId: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    this.checkOpen();
    checkLeaseArgs(runId, owner, ttlMs);
    const now = this.clock.now();
    const current = this.leases.get(runId);
    if (!current || current.owner !== owner || current.expiresAt <= now) return undefined;
    const lease = { ...current, expiresAt: now + ttlMs };
    this.leases.set(runId, lease);
    return lease;
  }

  async releaseLease(runId: string, owner: string): Promise<boolean> {
    this.checkOpen();
    checkLeaseArgs(runId, owner);
    if (this.leases.get(runId)?.owner !== owner) return false;
    this.leases.delete(runId);
    return true;
  }

  async getLease(runId: string): Promise<Lease | undefined> {
    this.checkOpen();
    return this.leases.get(runId);
  }

  async listUnleasedRuns(options: UnleasedRunsOptions = {}): Promise<RunRecord[]> {
    this.checkOpen();
    return this.unleased(options).map(runRecordOf);
  }

  async claimRuns(
    owner: string,
    ttlMs: number,
    options: UnleasedRunsOptions = {},
  ): Promise<RunRecord[]> {
    this.checkOpen();
    checkLeaseArgs('claim', owner, ttlMs);
    const now = this.clock.now();
    const claimed = this.unleased(options);
    for (const run of claimed) {
      this.leases.set(run.id, { runId: run.id, owner, acquiredAt: now, expiresAt: now + ttlMs });
    }
    return claimed.map(runRecordOf);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private unleased(options: UnleasedRunsOptions): MemoryRun[] {
    const { limit } = preparePage({ limit: options.limit }, 'listUnleasedRuns');
    const statuses = toStatuses(options.status) ?? ['running'];
    prepareRunFilter({ status: statuses }, 'listUnleasedRuns');
    const now = this.clock.now();
    return [...this.runs.values()]
      .filter((run) => {
        const lease = this.leases.get(run.id);
        return statuses.includes(run.status) && (!lease || lease.expiresAt <= now);
      })
      .slice(0, limit);
  }

  private applyStatus(
    run: MemoryRun,
    status: RunStatus,
    resultText: string | undefined,
    wakeAt?: number | null,
  ): void {
    const now = this.clock.now();
    run.status = status;
    run.updatedAt = now;
    if (resultText !== undefined) run.resultText = resultText;
    if (wakeAt !== undefined) run.wakeAt = wakeAt ?? undefined;
    if (isTerminalRunStatus(status)) {
      run.completedAt = now;
      run.wakeAt = undefined;
      this.leases.delete(run.id);
    }
  }

  /** Stores a given flow document as a blob, or checks a given flow id; returns the flow name. */
  private async storeFlow(flow: PreparedFlow, what: string): Promise<string | undefined> {
    if (flow.flowText !== undefined) {
      await this.blobs.put(JSON.parse(flow.flowText), 'flow');
      return flow.flowName;
    }
    const stored = await this.blobs.get(flow.flowId);
    if (!stored) {
      throw new StateStoreError('flow-not-found', `${what}: no flow with blob id ${flow.flowId}`);
    }
    return flow.flowName ?? flowNameOf(stored.data);
  }

  private checkRunIdFree(runId: string): void {
    if (this.runs.has(runId)) {
      throw new StateStoreError('run-exists', `A run with id ${runId} exists already`);
    }
  }

  private requireRun(runId: string): MemoryRun {
    const run = this.runs.get(runId);
    if (!run) throw new StateStoreError('run-not-found', `No run with id ${runId}`);
    return run;
  }

  private requireBatch(batchId: string): MemoryBatch {
    const batch = this.batches.get(batchId);
    if (!batch) throw new StateStoreError('batch-not-found', `No batch with id ${batchId}`);
    return batch;
  }

  private checkOpen(): void {
    if (this.closed) throw new StateStoreError('store-closed', 'The memory state store is closed');
  }
}
