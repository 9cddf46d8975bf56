import { createMemoryBlobStore, type BlobStore } from '@stepflow/blob-store';
import { createJsonRpcPeer, JsonRpcError, type JsonRpcPeer } from '@stepflow/jsonrpc';
import { createLinkedTransportPair } from '@stepflow/jsonrpc/testing';
import {
  ErrorCodes,
  type BatchOutputInfo,
  type BlobType,
  type ComponentInfo,
  type Flow,
  type FlowResult,
  type GetBatchResult,
} from '@stepflow/protocol';
import type { ComponentServer } from './component-server.ts';
import type { ServerConnection } from './server-connection.ts';

/** Answers `flows/evaluate` in a test: gets the flow document and input, returns its result. */
export type EvaluateFlowHandler = (
  flow: Flow,
  input: unknown,
  info: { readonly flowId: string },
) => FlowResult | Promise<FlowResult>;

/** Options of {@link createTestRuntime}. */
export interface TestRuntimeOptions {
  /** Answers `flows/evaluate` (and each run of a batch). Without it those calls fail with -32000. */
  readonly evaluateFlow?: EvaluateFlowHandler;
  /** The blob store the fake runtime serves; default a fresh memory store. */
  readonly blobStore?: BlobStore;
}

/** Per-execution options of {@link TestRuntime.execute}. */
export interface TestExecuteOptions {
  readonly stepId?: string;
  readonly runId?: string;
  readonly flowId?: string;
  readonly attempt?: number;
  /** W3C trace id to send in `observability` (32 lowercase hex digits), as the runtime does. */
  readonly traceId?: string;
  /** W3C span id of the runtime's call to send in `observability` (16 lowercase hex digits). */
  readonly spanId?: string;
}

/** One callback the server made to the fake runtime. */
export interface RecordedCall {
  readonly method: string;
  readonly params: Record<string, unknown>;
}

/**
 * An in-process fake Stepflow runtime connected to a component server through a linked
 * in-memory transport pair, so components are tested through the real protocol without
 * spawning anything.
 */
export interface TestRuntime {
  /** The blob store behind `blobs/put` and `blobs/get`. */
  readonly blobs: BlobStore;
  /** Every server→runtime request received, in order. */
  readonly calls: readonly RecordedCall[];
  /**
   * Executes a component and resolves its output.
   *
   * @throws JsonRpcError (from `@stepflow/jsonrpc`) with the code, message and data the server answered.
   */
  execute<T = unknown>(component: string, input: unknown, options?: TestExecuteOptions): Promise<T>;
  /** `components/list`. */
  listComponents(): Promise<ComponentInfo[]>;
  /** `components/info`. */
  componentInfo(component: string): Promise<ComponentInfo>;
  /** Closes the connection (gracefully, waiting up to `graceMs` for running executions). */
  close(options?: { graceMs?: number }): Promise<void>;
}

interface Batch {
  readonly flowId: string;
  readonly flowName: string | undefined;
  readonly createdAt: string;
  readonly outputs: Array<BatchOutputInfo | undefined>;
  readonly done: Promise<void>;
}

/**
 * Creates a fake runtime connected to `server` and performs the handshake.
 *
 * @example
 * ```ts
 * const runtime = await createTestRuntime(server);
 * expect(await runtime.execute('/greet', { name: 'Ada' })).toEqual({ text: 'Hi Ada' });
 * await runtime.close();
 * ```
 */
export async function createTestRuntime(
  server: ComponentServer,
  options: TestRuntimeOptions = {},
): Promise<TestRuntime> {
  const blobs = options.blobStore ?? createMemoryBlobStore();
  const calls: RecordedCall[] = [];
  const batches = new Map<string, Batch>();
  const [runtimeSide, serverSide] = createLinkedTransportPair();
  const connection: ServerConnection = await server.connect(serverSide);
  const peer: JsonRpcPeer = createJsonRpcPeer(runtimeSide, { onError: () => {} });

  const record = (method: string, params: unknown): Record<string, unknown> => {
    const record = (typeof params === 'object' && params !== null ? params : {}) as Record<
      string,
      unknown
    >;
    calls.push({ method, params: record });
    return record;
  };
  const loadFlow = async (flowId: unknown, failure: string): Promise<Flow> => {
    const blob = typeof flowId === 'string' ? await blobs.get(flowId) : undefined;
    if (!blob)
      throw new JsonRpcError(ErrorCodes.notFound, `Not found: flow with ID '${String(flowId)}'`);
    if (blob.blobType !== 'flow') throw new JsonRpcError(ErrorCodes.serverError, failure);
    return blob.data as Flow;
  };
  const evaluate = async (flowId: string, input: unknown): Promise<FlowResult> => {
    const flow = await loadFlow(flowId, 'Failed to evaluate flow');
    if (!options.evaluateFlow) {
      throw new JsonRpcError(
        ErrorCodes.serverError,
        'Failed to evaluate flow: createTestRuntime got no evaluateFlow',
      );
    }
    return options.evaluateFlow(flow, input, { flowId });
  };

  peer.handleRequest('blobs/put', async (raw) => {
    const params = record('blobs/put', raw);
    const blobType = (params.blob_type ?? 'data') as BlobType;
    if (blobType !== 'data' && blobType !== 'flow') {
      throw new JsonRpcError(ErrorCodes.invalidParams, `Invalid blob_type '${String(blobType)}'`);
    }
    return { blob_id: await blobs.put(params.data, blobType) };
  });
  peer.handleRequest('blobs/get', async (raw) => {
    const params = record('blobs/get', raw);
    const blob = typeof params.blob_id === 'string' ? await blobs.get(params.blob_id) : undefined;
    if (!blob)
      throw new JsonRpcError(ErrorCodes.serverError, 'Failed to get blob', {
        blob_id: params.blob_id,
      });
    return { data: blob.data, blob_type: blob.blobType };
  });
  peer.handleRequest('flows/evaluate', async (raw) => {
    const params = record('flows/evaluate', raw);
    return { result: await evaluate(String(params.flow_id), params.input ?? null) };
  });
  peer.handleRequest('flows/get_metadata', async (raw) => {
    const params = record('flows/get_metadata', raw);
    const flow = await loadFlow(params.flow_id, 'Invalid flow blob');
    const result: Record<string, unknown> = { flow_metadata: flow.metadata ?? {} };
    if (typeof params.step_id === 'string') {
      const step = (flow.steps ?? []).find((candidate) => candidate.id === params.step_id);
      if (!step)
        throw new JsonRpcError(ErrorCodes.notFound, `Not found: step with ID '${params.step_id}'`);
      result.step_metadata = step.metadata ?? {};
    }
    return result;
  });
  peer.handleRequest('flows/submit_batch', async (raw) => {
    const params = record('flows/submit_batch', raw);
    const flowId = String(params.flow_id);
    const flow = await loadFlow(flowId, 'Failed to submit batch');
    const inputs = Array.isArray(params.inputs) ? (params.inputs as unknown[]) : [];
    const outputs: Batch['outputs'] = inputs.map(() => undefined);
    const done = Promise.all(
      inputs.map(async (input, index) => {
        try {
          const result = await evaluate(flowId, input);
          outputs[index] =
            result.outcome === 'success'
              ? { batch_input_index: index, status: 'completed', result }
              : { batch_input_index: index, status: 'failed' };
        } catch {
          outputs[index] = { batch_input_index: index, status: 'failed' };
        }
      }),
    ).then(() => {});
    const batchId = crypto.randomUUID();
    batches.set(batchId, {
      flowId,
      flowName: typeof flow.name === 'string' ? flow.name : undefined,
      createdAt: new Date().toISOString(),
      outputs,
      done,
    });
    return { batch_id: batchId, total_runs: inputs.length };
  });
  peer.handleRequest('flows/get_batch', async (raw): Promise<GetBatchResult> => {
    const params = record('flows/get_batch', raw);
    const batch = batches.get(String(params.batch_id));
    if (!batch)
      throw new JsonRpcError(
        ErrorCodes.notFound,
        `Not found: batch with ID '${String(params.batch_id)}'`,
      );
    if (params.wait === true) await batch.done;
    const finished = batch.outputs.filter((output) => output !== undefined);
    const failed = finished.filter((output) => output.status === 'failed').length;
    const running = batch.outputs.length - finished.length;
    return {
      details: {
        batch_id: String(params.batch_id),
        flow_id: batch.flowId,
        ...(batch.flowName !== undefined && { flow_name: batch.flowName }),
        total_runs: batch.outputs.length,
        status: 'running',
        created_at: batch.createdAt,
        completed_runs: finished.length - failed,
        running_runs: running,
        failed_runs: failed,
        cancelled_runs: 0,
        paused_runs: 0,
        ...(running === 0 && { completed_at: new Date().toISOString() }),
      },
      ...(params.include_results === true && { outputs: finished }),
    };
  });

  await peer.start();
  await peer.request('initialize', { runtime_protocol_version: 1 });
  await peer.notify('initialized', {});

  return {
    blobs,
    calls,
    async execute<T>(
      component: string,
      input: unknown,
      execOptions: TestExecuteOptions = {},
    ): Promise<T> {
      const observability = {
        run_id: execOptions.runId ?? 'test-run',
        flow_id: execOptions.flowId ?? null,
        step_id: execOptions.stepId ?? 'test-step',
        ...(execOptions.traceId !== undefined && { trace_id: execOptions.traceId }),
        ...(execOptions.spanId !== undefined && { span_id: execOptions.spanId }),
      };
      const { output } = (await peer.request('components/execute', {
        component,
        input,
        attempt: execOptions.attempt ?? 1,
        observability,
      })) as { output: T };
      return output;
    },
    async listComponents() {
      return ((await peer.request('components/list', {})) as { components: ComponentInfo[] })
        .components;
    },
    async componentInfo(component) {
      return ((await peer.request('components/info', { component })) as { info: ComponentInfo })
        .info;
    },
    async close(closeOptions = {}) {
      await connection.shutdown(closeOptions);
      await peer.close();
    },
  };
}
