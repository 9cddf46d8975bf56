import type { Flow } from '@stepflow/protocol';
import type { StateStore } from '@stepflow/state-store';
import { ApiError, notFound } from './api-error.ts';

/** Where stored flows are read from, with the flows read so far (content-addressed, so final). */
export interface FlowSource {
  readonly store: StateStore;
  readonly flowCache: Map<string, Flow>;
}

/** Flows kept in memory at most; past it the cache starts over (flows are re-read, not lost). */
const MAX_CACHED_FLOWS = 1000;

/** The stored flow `flowId`: 404 when unknown, 400 when the blob is data, not a flow. */
export async function loadStoredFlow(source: FlowSource, flowId: string): Promise<Flow> {
  const cached = source.flowCache.get(flowId);
  if (cached !== undefined) return cached;
  const blob = await source.store.get(flowId);
  if (blob === undefined) throw notFound('Flow', flowId);
  if (blob.blobType !== 'flow') throw new ApiError(400, `Blob is not a flow: ${flowId}`);
  if (source.flowCache.size >= MAX_CACHED_FLOWS) source.flowCache.clear();
  const flow = blob.data as Flow;
  source.flowCache.set(flowId, flow);
  return flow;
}
