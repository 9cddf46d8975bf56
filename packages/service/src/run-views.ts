import type { RunRecord } from '@stepflow/state-store';
import type { z } from '@hono/zod-openapi';
import type { RunDetailsSchema, RunSummarySchema } from './api-schemas.ts';

/** RFC 3339 text of a store timestamp (milliseconds). */
export function isoTime(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

/** A run record as `RunSummary`. */
export function runSummary(run: RunRecord, debugMode = false): z.infer<typeof RunSummarySchema> {
  return {
    runId: run.id,
    flowId: run.flowId,
    flowName: run.flowName ?? null,
    flowLabel: null,
    status: run.status,
    debugMode,
    createdAt: isoTime(run.createdAt)!,
    completedAt: isoTime(run.completedAt),
    ...(run.batchId === undefined ? {} : { batchId: run.batchId }),
    ...(run.parentRunId === undefined ? {} : { parentRunId: run.parentRunId }),
    ...(run.leaseOwner === undefined ? {} : { runtime: run.leaseOwner }),
  };
}

/** A run record as `RunDetails`: the summary, its input and its result once it ended. */
export function runDetails(run: RunRecord, debugMode = false): z.infer<typeof RunDetailsSchema> {
  return {
    ...runSummary(run, debugMode),
    input: run.input,
    ...(run.result === undefined ? {} : { result: run.result }),
  };
}
