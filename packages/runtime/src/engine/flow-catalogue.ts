import type { BlobStore } from '@stepflow/blob-store';
import { type Flow, ErrorCodes, normalizeFlowAliases } from '@stepflow/protocol';
import { RuntimeServiceError } from '../errors/runtime-service-error.ts';
import { flowIdOf, serializeFlow } from '../loading/flow-id.ts';

const FLOW_CACHE_SIZE = 256;

/** How a failed lookup is reported: a not-found error, or the given code and message. */
export type FlowLookupFailure = { readonly code: number; readonly message: string } | 'notFound';

/** The flows a runtime knows: stored content-addressed in the blob store, recent ones cached. */
export interface FlowCatalogue {
  /** Stores a flow (once per flow object) and returns its id. */
  store(flow: Flow): Promise<string>;
  /** A stored flow by id; throws `RuntimeServiceError` as `failure` says when there is none. */
  lookup(flowId: string, failure: FlowLookupFailure): Promise<Flow>;
}

/** Creates a catalogue over a blob store. */
export function createFlowCatalogue(blobs: BlobStore): FlowCatalogue {
  const storedFlows = new WeakMap<object, string>();
  const flowsById = new Map<string, Flow>();

  const remember = (flowId: string, flow: Flow): void => {
    flowsById.set(flowId, flow);
    if (flowsById.size > FLOW_CACHE_SIZE) flowsById.delete(flowsById.keys().next().value!);
  };

  return {
    async store(flow) {
      // A flow object is stored (and its id computed) once, however many runs it has.
      let flowId = storedFlows.get(flow);
      if (flowId === undefined) {
        flowId = flowIdOf(flow);
        await blobs.put(serializeFlow(flow), 'flow');
        storedFlows.set(flow, flowId);
      }
      remember(flowId, flow);
      return flowId;
    },
    async lookup(flowId, failure) {
      const cached = flowsById.get(flowId);
      if (cached) return cached;
      const blob = await blobs.get(flowId);
      const fail = (reason: string, notFoundCode: boolean): never => {
        if (failure === 'notFound') {
          if (notFoundCode)
            throw new RuntimeServiceError(
              ErrorCodes.notFound,
              `Not found: flow with ID '${flowId}'`,
            );
          throw new RuntimeServiceError(ErrorCodes.serverError, 'Invalid flow blob', {
            flow_id: flowId,
            reason,
          });
        }
        throw new RuntimeServiceError(failure.code, failure.message, { flow_id: flowId, reason });
      };
      if (!blob) return fail(`no blob with id '${flowId}'`, true);
      if (blob.blobType !== 'flow') return fail(`blob '${flowId}' is not a flow`, false);
      const flow = normalizeFlowAliases(blob.data).value as Flow;
      remember(flowId, flow);
      return flow;
    },
  };
}
