import type {
  BlobType,
  FlowResult,
  GetBatchResult,
  GetFlowMetadataResult,
  ObservabilityContext,
} from '@stepflow/protocol';
import type {
  BatchOptions,
  ComponentContext,
  ComponentLog,
  FlowOrId,
  GetBatchOptions,
} from '../component-context.ts';
import { FlowFailedError } from '../flow-failed-error.ts';
import { FlowSkippedError } from '../flow-skipped-error.ts';

/**
 * Sends one server→runtime request for an execution (observability is added by the caller of
 * this function); rejects with `RuntimeRequestError`.
 */
export type RuntimeCall = (method: string, params: Record<string, unknown>) => Promise<unknown>;

/** Everything needed to build the context of one execution. */
export interface ContextSeed {
  readonly component: string;
  readonly attempt: number;
  readonly observability: ObservabilityContext;
  /** Source of the execution's signal (created on first use). */
  readonly execution: { readonly signal: AbortSignal };
  readonly call: RuntimeCall;
  readonly writeLog: (line: string) => void;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Builds the context handed to a component handler. */
export function createContext(seed: ContextSeed): ComponentContext {
  const { observability, call } = seed;
  const stepId = text(observability.step_id);
  const runId = text(observability.run_id);
  const flowId = text(observability.flow_id);
  const request = (method: string, params: Record<string, unknown>) =>
    call(method, { ...params, observability });

  const log: ComponentLog = (message, fields) => {
    const tags = [seed.component, stepId && `step=${stepId}`, runId && `run=${runId}`]
      .filter(Boolean)
      .join(' ');
    seed.writeLog(`[${tags}] ${message}${fields ? ` ${safeJson(fields)}` : ''}`);
  };

  const putBlob = async (data: unknown, blobType: BlobType = 'data'): Promise<string> => {
    if (data === undefined)
      throw new TypeError('putBlob: data must be a JSON value, got undefined');
    const result = (await request('blobs/put', { data, blob_type: blobType })) as {
      blob_id: string;
    };
    return result.blob_id;
  };

  const flowIdOf = async (flow: FlowOrId, where: string): Promise<string> => {
    if (typeof flow === 'string') return flow;
    if (typeof flow !== 'object' || flow === null) {
      throw new TypeError(
        `${where}: expected a flow object or a flow id, got ${flow === null ? 'null' : typeof flow}`,
      );
    }
    return putBlob(flow, 'flow');
  };

  const getBatch = async (
    batchId: string,
    options: GetBatchOptions = {},
  ): Promise<GetBatchResult> =>
    (await request('flows/get_batch', {
      batch_id: batchId,
      ...(options.wait !== undefined && { wait: options.wait }),
      ...(options.includeResults !== undefined && { include_results: options.includeResults }),
    })) as GetBatchResult;

  const submitById = async (
    id: string,
    inputs: readonly unknown[],
    options: BatchOptions,
  ): Promise<string> => {
    const result = (await request('flows/submit_batch', {
      flow_id: id,
      inputs,
      ...(options.maxConcurrency !== undefined && { max_concurrency: options.maxConcurrency }),
    })) as { batch_id: string };
    return result.batch_id;
  };

  return {
    component: seed.component,
    stepId,
    runId,
    flowId,
    attempt: seed.attempt,
    observability,
    get signal() {
      return seed.execution.signal;
    },
    log,
    putBlob,
    async getBlob<T>(blobId: string): Promise<T> {
      const result = (await request('blobs/get', { blob_id: blobId })) as { data: T };
      return result.data;
    },
    async evaluateFlow<T>(flow: FlowOrId, input: unknown): Promise<T> {
      const id = await flowIdOf(flow, 'evaluateFlow');
      const { result } = (await request('flows/evaluate', {
        flow_id: id,
        input: input ?? null,
      })) as {
        result: FlowResult;
      };
      return unwrapFlowResult(result, id) as T;
    },
    async getMetadata(targetStep?: string): Promise<GetFlowMetadataResult> {
      if (flowId === undefined) {
        throw new Error(
          'getMetadata: the execute request carried no observability.flow_id, so the flow is unknown',
        );
      }
      const step = targetStep ?? stepId;
      return (await request('flows/get_metadata', {
        flow_id: flowId,
        ...(step !== undefined && { step_id: step }),
      })) as GetFlowMetadataResult;
    },
    async submitBatch(flow, inputs, options = {}) {
      return submitById(await flowIdOf(flow, 'submitBatch'), inputs, options);
    },
    getBatch,
    async evaluateBatch<T>(
      flow: FlowOrId,
      inputs: readonly unknown[],
      options: BatchOptions = {},
    ): Promise<T[]> {
      const id = await flowIdOf(flow, 'evaluateBatch');
      const batchId = await submitById(id, inputs, options);
      const { outputs } = await getBatch(batchId, { wait: true, includeResults: true });
      const byIndex = new Map((outputs ?? []).map((output) => [output.batch_input_index, output]));
      return inputs.map((_, index) => {
        const output = byIndex.get(index);
        if (!output) {
          throw new FlowFailedError(500, `Batch ${batchId}: no output for input ${index}`, {
            batch_id: batchId,
            index,
          });
        }
        if (!output.result) {
          throw new FlowFailedError(
            500,
            `Batch ${batchId}: run for input ${index} ended with status ${output.status}`,
            {
              batch_id: batchId,
              index,
              status: output.status,
            },
          );
        }
        return unwrapFlowResult(output.result, id) as T;
      });
    },
  };
}

/** Returns a success's value or throws the typed error for a skipped or failed result. */
export function unwrapFlowResult(result: FlowResult, flowId?: string): unknown {
  switch (result.outcome) {
    case 'success':
      return result.result;
    case 'skipped':
      throw new FlowSkippedError(result.reason, flowId === undefined ? undefined : { flowId });
    case 'failed':
      throw new FlowFailedError(result.error.code, result.error.message, result.error.data);
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
