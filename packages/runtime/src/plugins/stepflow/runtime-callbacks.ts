import { JsonRpcError, type JsonRpcPeer } from '@stepflow/jsonrpc';
import {
  ErrorCodes,
  GetBatchParamsSchema,
  GetBlobParamsSchema,
  GetFlowMetadataParamsSchema,
  EvaluateFlowParamsSchema,
  PutBlobParamsSchema,
  SubmitBatchParamsSchema,
  type ObservabilityContext,
  type RuntimeToServerMethods,
  type ServerToRuntimeMethods,
} from '@stepflow/protocol';
import { RuntimeServiceError } from '../../errors/runtime-service-error.ts';
import type { RuntimeServices } from '../../services/runtime-services.ts';
import { withCallbackSpan } from './callback-span.ts';

/** The peer a component server connection uses on the runtime side. */
export type RuntimePeer = JsonRpcPeer<RuntimeToServerMethods, ServerToRuntimeMethods>;

/** What serves one callback: the services of its execution, and that execution's signal. */
export interface CallbackScope {
  readonly services: RuntimeServices;
  /** Aborted when the execution the callback belongs to ends; absent when it is not known. */
  readonly signal?: AbortSignal;
}

/**
 * Finds what serves a callback from the `observability` it carries (which may be `null`: the
 * Python SDK sends that when it has no trace span). `needsRun` is false for blob methods, which
 * any in-flight execution of the plugin may serve (the blob store is shared). Throws a
 * `JsonRpcError` only when nothing can serve it.
 */
export type CallbackResolver = (
  observability: ObservabilityContext | null | undefined,
  method: string,
  needsRun: boolean,
) => CallbackScope;

/**
 * Registers the runtime's answers to every server→runtime method (`blobs/put`, `blobs/get`,
 * `flows/evaluate`, `flows/get_metadata`, `flows/submit_batch`, `flows/get_batch`) on `peer`.
 * Each is served concurrently with the `components/execute` request that caused it, with the
 * `RuntimeServices` of that execution. Errors follow STEPFLOW.md §6.6 with the Rust numbering
 * (DECISIONS item 6): the service's own code (-32011 not found, -32012 invalid value) or -32000
 * with the REF message (`Failed to put blob`, …) and the reason in `data`; bad params are -32602.
 *
 * `flows/get_metadata` answers from the `flow_id` and `step_id` it names, whichever execution
 * serves it; for a step the flow does not have it answers `step_metadata: null`, as the
 * protocol schema documents (REF errors instead; STEPFLOW.md §13 item 16).
 */
export function registerRuntimeCallbacks(peer: RuntimePeer, resolve: CallbackResolver): void {
  peer.handleRequest(
    'blobs/put',
    (params) =>
      serveTraced('blobs/put', params.observability, 'Failed to put blob', async () => {
        const { services } = resolve(params.observability, 'blobs/put', false);
        return { blob_id: await services.putBlob(params.data, params.blob_type) };
      }),
    { paramsSchema: PutBlobParamsSchema },
  );
  peer.handleRequest(
    'blobs/get',
    (params) =>
      serveTraced('blobs/get', params.observability, 'Failed to get blob', async () => {
        const { services } = resolve(params.observability, 'blobs/get', false);
        const blob = await services.getBlob(params.blob_id);
        return { data: blob.data as never, blob_type: blob.blobType };
      }),
    { paramsSchema: GetBlobParamsSchema },
  );
  peer.handleRequest(
    'flows/evaluate',
    (params, rpc) =>
      serveTraced('flows/evaluate', params.observability, 'Failed to evaluate flow', async () => {
        const scope = resolve(params.observability, 'flows/evaluate', true);
        const signal =
          scope.signal === undefined ? rpc.signal : AbortSignal.any([rpc.signal, scope.signal]);
        const { result } = await scope.services.evaluateFlow(params.flow_id, params.input, {
          signal,
        });
        return { result };
      }),
    { paramsSchema: EvaluateFlowParamsSchema },
  );
  peer.handleRequest(
    'flows/get_metadata',
    (params) =>
      serveTraced(
        'flows/get_metadata',
        params.observability,
        'Failed to get flow metadata',
        async () => {
          const { services } = resolve(params.observability, 'flows/get_metadata', true);
          const stepId = params.step_id ?? undefined;
          try {
            return await services.getFlowMetadata(params.flow_id, stepId);
          } catch (error) {
            if (stepId === undefined || !isUnknownStep(error)) throw error;
            const flowOnly = await services.getFlowMetadata(params.flow_id);
            return { ...flowOnly, step_metadata: null };
          }
        },
      ),
    { paramsSchema: GetFlowMetadataParamsSchema },
  );
  peer.handleRequest(
    'flows/submit_batch',
    (params) =>
      serveTraced(
        'flows/submit_batch',
        params.observability,
        'Failed to submit batch',
        async () => {
          const { services } = resolve(params.observability, 'flows/submit_batch', true);
          const maxConcurrency = params.max_concurrency ?? undefined;
          return services.submitBatch(
            params.flow_id,
            params.inputs,
            maxConcurrency === undefined ? {} : { maxConcurrency },
          );
        },
      ),
    { paramsSchema: SubmitBatchParamsSchema },
  );
  peer.handleRequest(
    'flows/get_batch',
    (params) =>
      serveTraced('flows/get_batch', params.observability, 'Failed to get batch', async () => {
        const { services } = resolve(params.observability, 'flows/get_batch', true);
        return services.getBatch(params.batch_id, {
          wait: params.wait ?? false,
          includeResults: params.include_results ?? false,
        });
      }),
    { paramsSchema: GetBatchParamsSchema },
  );
}

/** `serve` inside the callback's span. */
function serveTraced<T>(
  method: string,
  observability: ObservabilityContext | null | undefined,
  failure: string,
  work: () => Promise<T>,
): Promise<T> {
  return withCallbackSpan(method, observability, () => serve(failure, work));
}

/** Runs one handler, turning runtime errors into the JSON-RPC error the server receives. */
async function serve<T>(failure: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (JsonRpcError.isInstance(error)) throw error;
    if (RuntimeServiceError.isInstance(error))
      throw new JsonRpcError(error.code, error.message, error.data);
    const reason = error instanceof Error ? error.message : String(error);
    throw new JsonRpcError(ErrorCodes.serverError, failure, { reason });
  }
}

function isUnknownStep(error: unknown): boolean {
  return (
    RuntimeServiceError.isInstance(error) &&
    error.code === ErrorCodes.notFound &&
    error.message.startsWith('Not found: step')
  );
}
