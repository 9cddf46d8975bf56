import type { FlowResult, GetBatchResult } from '@stepflow/protocol';

interface BatchRecord {
  readonly batchId: string;
  readonly flowId: string;
  readonly flowName: string | undefined;
  readonly createdAt: number;
  readonly results: (FlowResult | undefined)[];
  completedAt: number | undefined;
  cancelled: boolean;
  readonly done: Promise<void>;
}

/** Keeps the batches started through `submitBatch` (the newest {@link MAX_BATCHES}). */
export interface BatchRegistry {
  add(record: Omit<BatchRecord, 'completedAt' | 'cancelled'>): void;
  get(batchId: string): BatchRecord | undefined;
  complete(batchId: string, at: number): void;
  describe(record: BatchRecord, includeResults: boolean): GetBatchResult;
}

/** How many batches are remembered before the oldest are forgotten. */
export const MAX_BATCHES = 1000;

/** Creates an empty registry. */
export function createBatchRegistry(): BatchRegistry {
  const batches = new Map<string, BatchRecord>();
  return {
    add(record) {
      batches.set(record.batchId, { ...record, completedAt: undefined, cancelled: false });
      if (batches.size > MAX_BATCHES) batches.delete(batches.keys().next().value!);
    },
    get: (batchId) => batches.get(batchId),
    complete(batchId, at) {
      const record = batches.get(batchId);
      if (record) record.completedAt = at;
    },
    describe(record, includeResults) {
      let completed = 0;
      let failed = 0;
      let running = 0;
      for (const result of record.results) {
        if (result === undefined) running++;
        else if (result.outcome === 'success') completed++;
        else failed++;
      }
      const details: Record<string, unknown> = {
        batch_id: record.batchId,
        flow_id: record.flowId,
        ...(record.flowName === undefined ? {} : { flow_name: record.flowName }),
        total_runs: record.results.length,
        status: record.cancelled ? 'cancelled' : 'running',
        created_at: new Date(record.createdAt).toISOString(),
        completed_runs: completed,
        running_runs: running,
        failed_runs: failed,
        cancelled_runs: 0,
        paused_runs: 0,
        ...(record.completedAt === undefined
          ? {}
          : { completed_at: new Date(record.completedAt).toISOString() }),
      };
      const out: Record<string, unknown> = { details };
      if (includeResults) {
        out.outputs = record.results.map((result, index) => ({
          batch_input_index: index,
          status:
            result === undefined
              ? 'running'
              : result.outcome === 'success'
                ? 'completed'
                : 'failed',
          ...(result === undefined ? {} : { result }),
        }));
      }
      return out as GetBatchResult;
    },
  };
}
