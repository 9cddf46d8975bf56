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
  ComponentLogLevel,
  FlowOrId,
  GetBatchOptions,
} from '../component-context.ts';
import { FlowFailedError } from '../flow-failed-error.ts';
import { FlowSkippedError } from '../flow-skipped-error.ts';
import { formatComponentLogLine } from './component-log-line.ts';

/**
 * Sends one server→runtime request for an execution (observability is added by the context);
 * rejects with `RuntimeRequestError`.
 */
export type RuntimeCall = (method: string, params: Record<string, unknown>) => Promise<unknown>;

/** Everything needed to build the context of one execution. */
export interface ContextSeed {
  readonly component: string;
  readonly attempt: number;
  readonly observability: ObservabilityContext;
  /** Source of the execution's signal (created on first use). */
  readonly execution: { readonly signal: AbortSignal };
  /** Makes the execution's callback function (called at most once, on the first callback). */
  readonly makeCall: () => RuntimeCall;
  readonly writeLog: (line: string) => void;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

type Methods = Pick<
  ComponentContext,
  | 'log'
  | 'putBlob'
  | 'getBlob'
  | 'evaluateFlow'
  | 'getMetadata'
  | 'submitBatch'
  | 'getBatch'
  | 'evaluateBatch'
>;

/**
 * The context of one execution. Its functions are created on first access and bound, so
 * `({ putBlob }) => …` destructuring works while a handler that uses none of them (the common
 * case on the hot path) allocates nothing for them.
 */
class ExecutionContext implements ComponentContext {
  readonly component: string;
  readonly attempt: number;
  readonly observability: ObservabilityContext;
  readonly #seed: ContextSeed;
  #call: RuntimeCall | undefined;
  #methods: Methods | undefined;

  constructor(seed: ContextSeed) {
    this.#seed = seed;
    this.component = seed.component;
    this.attempt = seed.attempt;
    this.observability = seed.observability;
  }

  get stepId(): string | undefined {
    return text(this.observability.step_id);
  }
  get runId(): string | undefined {
    return text(this.observability.run_id);
  }
  get flowId(): string | undefined {
    return text(this.observability.flow_id);
  }
  get signal(): AbortSignal {
    return this.#seed.execution.signal;
  }
  get log(): ComponentLog {
    return this.#bound().log;
  }
  get putBlob(): ComponentContext['putBlob'] {
    return this.#bound().putBlob;
  }
  get getBlob(): ComponentContext['getBlob'] {
    return this.#bound().getBlob;
  }
  get evaluateFlow(): ComponentContext['evaluateFlow'] {
    return this.#bound().evaluateFlow;
  }
  get getMetadata(): ComponentContext['getMetadata'] {
    return this.#bound().getMetadata;
  }
  get submitBatch(): ComponentContext['submitBatch'] {
    return this.#bound().submitBatch;
  }
  get getBatch(): ComponentContext['getBatch'] {
    return this.#bound().getBatch;
  }
  get evaluateBatch(): ComponentContext['evaluateBatch'] {
    return this.#bound().evaluateBatch;
  }

  #request(method: string, params: Record<string, unknown>): Promise<unknown> {
    this.#call ??= this.#seed.makeCall();
    return this.#call(method, { ...params, observability: this.observability });
  }

  #bound(): Methods {
    this.#methods ??= bindMethods(
      this,
      (method, params) => this.#request(method, params),
      this.#seed.writeLog,
    );
    return this.#methods;
  }
}

function bindMethods(
  ctx: ExecutionContext,
  request: RuntimeCall,
  writeLog: (line: string) => void,
): Methods {
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

  const logAt =
    (level: ComponentLogLevel) =>
    (message: string, fields?: Record<string, unknown>): void => {
      const observability = ctx.observability;
      writeLog(
        formatComponentLogLine(level, String(message), fields, {
          component: ctx.component,
          attempt: ctx.attempt,
          runId: ctx.runId,
          flowId: ctx.flowId,
          stepId: ctx.stepId,
          traceId: text(observability.trace_id),
          spanId: text(observability.span_id),
        }),
      );
    };
  const log: ComponentLog = Object.assign(logAt('info'), {
    debug: logAt('debug'),
    info: logAt('info'),
    warn: logAt('warn'),
    error: logAt('error'),
  });

  return {
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
      const flowId = ctx.flowId;
      if (flowId === undefined) {
        throw new Error(
          'getMetadata: the execute request carried no observability.flow_id, so the flow is unknown',
        );
      }
      const step = targetStep ?? ctx.stepId;
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
            { batch_id: batchId, index, status: output.status },
          );
        }
        return unwrapFlowResult(output.result, id) as T;
      });
    },
  };
}

/** Builds the context handed to a component handler. */
export function createContext(seed: ContextSeed): ComponentContext {
  return new ExecutionContext(seed);
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
