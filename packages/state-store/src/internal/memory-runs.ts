import { type RunStatus, RunStatusSchema } from '@stepflow/protocol';
import type {
  ListRunsOptions,
  NewRun,
  RunFilter,
  RunRecord,
  RunStatusOptions,
  RunStore,
} from '../run-store.ts';
import {
  checkRunsDeletable,
  checkStatusChange,
  prepareListRuns,
  prepareNewRun,
  prepareRunFilter,
  prepareStatusOptions,
  type PreparedRunFilter,
} from '../store-input.ts';
import type { MemoryRun } from './memory-records.ts';
import type { MemoryTables } from './memory-tables.ts';

/** Whether a run matches a checked filter. */
export function matchesFilter(run: MemoryRun, filter: PreparedRunFilter): boolean {
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

/** Run records in memory. */
export class MemoryRunStore implements RunStore {
  constructor(private readonly t: MemoryTables) {}

  async createRun(newRun: NewRun): Promise<RunRecord> {
    this.t.checkOpen();
    const run = prepareNewRun(newRun);
    const flowName = await this.t.storeFlow(run, `createRun(${run.id})`);
    this.t.checkRunIdFree(run.id);
    const now = this.t.clock.now();
    const row: MemoryRun = {
      id: run.id,
      order: this.t.order++,
      flowId: run.flowId,
      flowName,
      inputText: run.inputText,
      status: run.status,
      parentRunId: run.parentRunId,
      parentStepId: run.parentStepId,
      createdAt: now,
      updatedAt: now,
      events: [],
      leaseEpoch: 0,
    };
    this.t.runs.set(row.id, row);
    this.t.notifier.notify({ type: 'work' });
    return this.t.record(row);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    this.t.checkOpen();
    const run = this.t.runs.get(runId);
    return run && this.t.record(run);
  }

  async listRuns(options?: ListRunsOptions): Promise<RunRecord[]> {
    this.t.checkOpen();
    const query = prepareListRuns(options);
    const found = [...this.t.runs.values()].filter((run) => matchesFilter(run, query));
    if (query.order === 'desc') found.reverse();
    return found.slice(query.offset, query.offset + query.limit).map((run) => this.t.record(run));
  }

  async countRuns(filter?: RunFilter): Promise<number> {
    this.t.checkOpen();
    const query = prepareRunFilter(filter);
    return [...this.t.runs.values()].filter((run) => matchesFilter(run, query)).length;
  }

  async countRunsByStatus(filter?: RunFilter): Promise<Record<RunStatus, number>> {
    this.t.checkOpen();
    const query = prepareRunFilter(filter, 'countRunsByStatus');
    const counts = Object.fromEntries(RunStatusSchema.options.map((s) => [s, 0])) as Record<
      RunStatus,
      number
    >;
    for (const run of this.t.runs.values()) if (matchesFilter(run, query)) counts[run.status] += 1;
    return counts;
  }

  async updateRunStatus(
    runId: string,
    status: RunStatus,
    options: RunStatusOptions = {},
  ): Promise<RunRecord> {
    this.t.checkOpen();
    const run = this.t.requireRun(runId);
    checkStatusChange(runId, run.status, status, options.expectedStatus);
    const { resultText, wakeAt } = prepareStatusOptions(runId, options);
    const resumed = status === 'running' && run.status !== 'running';
    this.t.applyStatus(run, status, resultText, wakeAt);
    if (resumed) this.t.notifier.notify({ type: 'work' });
    return this.t.record(run);
  }

  async deleteRun(runId: string): Promise<string[]> {
    this.t.checkOpen();
    const root = this.t.requireRun(runId);
    const tree = [root];
    // Nested runs at any depth: breadth first, so the list starts with the run asked for.
    for (let i = 0; i < tree.length; i++) {
      const parentId = tree[i]!.id;
      for (const run of this.t.runs.values()) if (run.parentRunId === parentId) tree.push(run);
    }
    checkRunsDeletable(
      runId,
      tree.map((run) => ({
        id: run.id,
        status: run.status,
        ...(run.batchId !== undefined && { batchStatus: this.t.batches.get(run.batchId)?.status }),
      })),
    );
    const ids = new Set(tree.map((run) => run.id));
    for (const id of ids) {
      this.t.runs.delete(id);
      this.t.leases.delete(id);
    }
    for (const [key, answer] of this.t.answers)
      if (ids.has(answer.runId)) this.t.answers.delete(key);
    return [...ids];
  }
}
