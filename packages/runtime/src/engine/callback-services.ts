import type { Context, Span } from '@opentelemetry/api';
import type { BlobStore } from '@stepflow/blob-store';
import {
  type Flow,
  type FlowResult,
  type GetFlowMetadataResult,
  ErrorCodes,
  normalizeFlowAliases,
} from '@stepflow/protocol';
import type { Clock, IdGenerator } from '../clock.ts';
import { RuntimeServiceError } from '../errors/runtime-service-error.ts';
import { INFRASTRUCTURE_ERROR_CODE } from '../scheduler/step-failure.ts';
import type { BatchRegistry } from '../services/batch-registry.ts';
import { checkBlobSize } from '../services/blob-size.ts';
import { isNestingLimitFailure, nestingLimitError } from '../services/nesting-limit.ts';
import type { RuntimeServices } from '../services/runtime-services.ts';
import type { Diagnostic } from '../validation/diagnostic.ts';
import { childRunId } from './child-run-id.ts';
import type { FlowCatalogue } from './flow-catalogue.ts';
import type { CallSpan } from '../telemetry/run-telemetry.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A nested run as the run manager starts it. */
export interface NestedRunRequest {
  readonly flow: Flow;
  readonly flowId: string;
  readonly input: unknown;
  readonly runId?: string;
  readonly signal?: AbortSignal;
  readonly depth: number;
  readonly parentRunId?: string;
  readonly parentStepId?: string;
  /** Enforce schemas; inherited from the parent run. */
  readonly validate: boolean;
  /** The calling run's trace id. */
  readonly traceId?: string;
  /** The span context of the calling component call. */
  readonly traceParent?: Context;
  /** The span the calling run itself runs under (see `CallbackScope.traceOuter`). */
  readonly traceOuter?: Span;
}

/** What the callback services of every run share. */
export interface CallbackServiceDeps {
  readonly blobs: BlobStore;
  readonly flows: FlowCatalogue;
  readonly batches: BatchRegistry;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  readonly maxDepth: number;
  readonly maxBlobBytes: number;
  readonly fatalDiagnostics: (flow: Flow) => Diagnostic[];
  readonly runNested: (request: NestedRunRequest) => Promise<{ result: FlowResult; runId: string }>;
}

/** Where the services are used: which run, step and attempt calls back. */
export interface CallbackScope {
  /** Depth of the runs these services start. */
  readonly depth: number;
  /** The calling run; absent for callbacks that name no run (nested runs without a parent). */
  readonly parentRunId?: string;
  readonly parentStepId?: string;
  /** The step's `onError` retry generation: a retry asks for fresh children, a resume does not. */
  readonly generation: number;
  readonly signal: AbortSignal;
  /** Whether the calling run enforces schemas (its nested runs inherit it). */
  readonly validate: boolean;
  /** Whether nested runs get ids derived from this scope (durable runs) or fresh ones. */
  readonly deriveChildIds: boolean;
  /** The calling run's trace id: nested runs join its trace. */
  readonly traceId?: string;
  /** The calling component call's span, when it records. */
  readonly traceCall?: CallSpan | undefined;
  /**
   * The span active where the calling run started, when there is one. A nested run started where
   * another span is active (a component server's callback) is that span's child, else the call's.
   */
  readonly traceOuter?: Span | undefined;
}

function invalidFlow(fatal: Diagnostic[]): RuntimeServiceError {
  return new RuntimeServiceError(ErrorCodes.serverError, 'Failed to evaluate flow', {
    reason: fatal.map((d) => d.message).join('; '),
  });
}

/** The services a component may call back into while one step of one run executes. */
export function createCallbackServices(
  deps: CallbackServiceDeps,
  scope: CallbackScope,
): RuntimeServices {
  const occurrences = new Map<string, number>();
  const nestedSignal = (signal?: AbortSignal): AbortSignal =>
    signal && signal !== scope.signal ? AbortSignal.any([scope.signal, signal]) : scope.signal;

  /** A nested run; `detached` runs (batches) outlive the calling run and stop only on close. */
  const nested = async (
    flow: Flow,
    flowId: string,
    input: unknown,
    signal?: AbortSignal,
    detached = false,
  ): Promise<{ result: FlowResult; runId: string }> => {
    const fatal = deps.fatalDiagnostics(flow);
    if (fatal.length > 0) throw invalidFlow(fatal);
    if (scope.depth > deps.maxDepth) throw nestingLimitError(deps.maxDepth, scope.depth);
    let runId: string | undefined;
    if (
      scope.deriveChildIds &&
      scope.parentRunId !== undefined &&
      scope.parentStepId !== undefined &&
      !detached
    ) {
      const key = `${flowId}\n${JSON.stringify(input)}`;
      const occurrence = occurrences.get(key) ?? 0;
      occurrences.set(key, occurrence + 1);
      runId = childRunId({
        parentRunId: scope.parentRunId,
        parentStepId: scope.parentStepId,
        generation: scope.generation,
        flowId,
        input,
        occurrence,
      });
    }
    const runSignal = detached ? undefined : nestedSignal(signal);
    const outcome = await deps.runNested({
      flow,
      flowId,
      input,
      ...(runId === undefined ? {} : { runId }),
      ...(runSignal ? { signal: runSignal } : {}),
      depth: scope.depth,
      ...(scope.parentRunId === undefined ? {} : { parentRunId: scope.parentRunId }),
      ...(scope.parentStepId === undefined ? {} : { parentStepId: scope.parentStepId }),
      validate: scope.validate,
      ...(scope.traceId === undefined ? {} : { traceId: scope.traceId }),
      ...(scope.traceCall === undefined ? {} : { traceParent: scope.traceCall.context() }),
      ...(scope.traceOuter === undefined ? {} : { traceOuter: scope.traceOuter }),
    });
    const { result } = outcome;
    // A run below hitting the limit fails every run above it, not just its own sub-flow.
    if (result.outcome === 'failed' && isNestingLimitFailure(result.error))
      throw nestingLimitError(deps.maxDepth, scope.depth);
    return { result, runId: outcome.runId };
  };

  return {
    async putBlob(data, blobType) {
      if (blobType === 'flow') {
        const fatal = deps.fatalDiagnostics(normalizeFlowAliases(data).value as Flow);
        if (typeof data !== 'object' || data === null || fatal.length > 0) {
          throw new RuntimeServiceError(ErrorCodes.serverError, 'Failed to put blob', {
            reason: `not a valid flow: ${fatal.map((d) => d.message).join('; ') || 'not an object'}`,
          });
        }
      }
      checkBlobSize(data, deps.maxBlobBytes);
      return deps.blobs.put(data, blobType);
    },
    async getBlob(id) {
      const blob = await deps.blobs.get(id);
      if (!blob)
        throw new RuntimeServiceError(ErrorCodes.serverError, 'Failed to get blob', {
          blob_id: id,
          reason: `no blob with id '${id}'`,
        });
      return blob;
    },
    async evaluateFlow(flowId, input, evaluateOptions) {
      const flow = await deps.flows.lookup(flowId, {
        code: ErrorCodes.serverError,
        message: 'Failed to evaluate flow',
      });
      return nested(flow, flowId, input, evaluateOptions?.signal);
    },
    async runFlow(flow, input, runOptions) {
      const flowId = await deps.flows.store(flow);
      return nested(flow, flowId, input, runOptions?.signal);
    },
    async getFlowMetadata(flowId, stepId) {
      const flow = await deps.flows.lookup(flowId, 'notFound');
      const doc = flow as unknown as {
        metadata?: Record<string, unknown>;
        steps?: { id: string; metadata?: Record<string, unknown> }[];
      };
      const result: Record<string, unknown> = { flow_metadata: doc.metadata ?? {} };
      if (stepId !== undefined) {
        const step = doc.steps?.find((s) => s.id === stepId);
        if (!step)
          throw new RuntimeServiceError(ErrorCodes.notFound, `Not found: step with ID '${stepId}'`);
        result.step_metadata = step.metadata ?? {};
      }
      return result as GetFlowMetadataResult;
    },
    async submitBatch(flowId, inputs, batchOptions) {
      const flow = await deps.flows.lookup(flowId, 'notFound');
      const limit = batchOptions?.maxConcurrency ?? Math.max(1, inputs.length);
      if (!(limit >= 1))
        throw new RuntimeServiceError(
          ErrorCodes.invalidValue,
          "Invalid value for field 'max_concurrency': expected at least 1",
        );
      const batchId = deps.newId();
      const results = new Array<FlowResult | undefined>(inputs.length).fill(undefined);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < inputs.length) {
          const index = next++;
          try {
            results[index] = (await nested(flow, flowId, inputs[index], undefined, true)).result;
          } catch (error) {
            results[index] = {
              outcome: 'failed',
              error: { code: INFRASTRUCTURE_ERROR_CODE, message: (error as Error).message },
            };
          }
        }
      };
      const done = Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker)).then(
        () => deps.batches.complete(batchId, deps.clock.now()),
      );
      const name = (flow as { name?: unknown }).name;
      deps.batches.add({
        batchId,
        flowId,
        flowName: typeof name === 'string' ? name : undefined,
        createdAt: deps.clock.now(),
        results,
        done,
      });
      return { batch_id: batchId, total_runs: inputs.length };
    },
    async getBatch(batchId, batchOptions) {
      const record = deps.batches.get(batchId);
      if (!record) {
        if (!UUID.test(batchId))
          throw new RuntimeServiceError(
            ErrorCodes.invalidValue,
            "Invalid value for field 'batch_id': expected valid UUID",
          );
        throw new RuntimeServiceError(ErrorCodes.notFound, `Not found: batch with ID '${batchId}'`);
      }
      if (batchOptions?.wait) await record.done;
      return deps.batches.describe(record, batchOptions?.includeResults ?? false);
    },
  };
}
