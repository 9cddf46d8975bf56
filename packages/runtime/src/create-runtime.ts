import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { type BlobStore, createMemoryBlobStore } from '@stepflow/blob-store';
import { type Flow, type FlowResult, ErrorCodes, normalizeFlowAliases } from '@stepflow/protocol';
import { type Clock, systemClock } from './clock.ts';
import { ComponentError } from './errors/component-error.ts';
import { ConfigError } from './errors/config-error.ts';
import { FlowValidationError } from './errors/flow-validation-error.ts';
import { InputValidationError } from './errors/input-validation-error.ts';
import { RuntimeServiceError } from './errors/runtime-service-error.ts';
import { createSemaphore, type Semaphore } from './internal/semaphore.ts';
import { flowIdOf, serializeFlow } from './loading/flow-id.ts';
import { type Logger, silentLogger } from './logger.ts';
import { builtinPluginFactory } from './plugins/builtin/builtin-plugin.ts';
import { checkPluginResult } from './plugins/check-plugin-result.ts';
import { createDeclaredOutputSchemas } from './plugins/declared-output-schemas.ts';
import { mockPluginFactory } from './plugins/mock/mock-plugin.ts';
import type { ExecutionContext, ListedComponent, Plugin, PluginFactory } from './plugins/plugin.ts';
import {
  RouteConfigError,
  RoutingError,
  createRouter,
  type RouteRuleConfig,
  type Router,
} from './routing/router.ts';
import { defaultRoutes } from './config/default-config.ts';
import type { RunOutcome, RunRequest, Runtime, RuntimeOptions } from './runtime-types.ts';
import { executeRun, type StepDispatch } from './scheduler/execute-run.ts';
import { planFlow } from './scheduler/flow-plan.ts';
import type { RunEvent } from './scheduler/run-event.ts';
import { INFRASTRUCTURE_ERROR_CODE } from './scheduler/step-failure.ts';
import { createBatchRegistry } from './services/batch-registry.ts';
import { DEFAULT_MAX_BLOB_BYTES, checkBlobSize } from './services/blob-size.ts';
import { lazyServices } from './services/lazy-services.ts';
import { isNestingLimitFailure, nestingLimitError } from './services/nesting-limit.ts';
import type { RuntimeServices } from './services/runtime-services.ts';
import type { Diagnostic } from './validation/diagnostic.ts';
import { checkFlowInput } from './validation/check-flow-input.ts';
import { validateFlow } from './validation/validate-flow.ts';

/** Default maximum nesting of runs. */
export const DEFAULT_MAX_DEPTH = 32;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FLOW_CACHE_SIZE = 256;

interface InternalRun {
  readonly flow: Flow;
  readonly input: unknown;
  readonly runId?: string;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: RunEvent) => void;
  /** Enforce schemas (input, step, flow and declared component outputs); nested runs inherit it. */
  readonly validate: boolean;
  readonly resumeFrom?: readonly RunEvent[];
  readonly depth: number;
  readonly parentRunId?: string;
}

const fatalCache = new WeakMap<object, Diagnostic[]>();

function fatalDiagnostics(flow: Flow): Diagnostic[] {
  let fatal = fatalCache.get(flow);
  if (!fatal) {
    fatal = validateFlow(flow).filter((d) => d.level === 'fatal');
    fatalCache.set(flow, fatal);
  }
  return fatal;
}

/**
 * Creates a runtime: builds every configured plugin with its factory (`builtin` and `mock` are
 * built in; others come from `pluginFactories`), compiles the routes, and runs flows. Throws
 * `ConfigError` for an unknown plugin type or bad routes. Plugins are started on first use.
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  const clock: Clock = options.clock ?? systemClock;
  const newId = options.ids ?? randomUUID;
  const random = options.random ?? Math.random;
  const logger: Logger = options.logger ?? silentLogger;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxBlobBytes = options.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES;
  const store: BlobStore = options.blobStore ?? createMemoryBlobStore();
  const factories: Record<string, PluginFactory> = {
    builtin: builtinPluginFactory,
    mock: mockPluginFactory,
    ...options.pluginFactories,
  };
  const config = options.config as unknown as {
    plugins?: Record<string, Record<string, unknown> & { type: string }>;
    routes?: Record<string, RouteRuleConfig[]>;
  };

  const closing = new AbortController();
  // For callbacks that name no run: nested runs without a parent, ended when the runtime closes.
  const detachedServices = lazyServices(() => servicesFor(1, undefined, closing.signal, true));
  const plugins = new Map<string, Plugin>();
  const limits = new Map<string, Semaphore>();
  for (const [name, pluginConfig] of Object.entries(config.plugins ?? {})) {
    const factory = factories[pluginConfig.type];
    if (!factory) {
      throw new ConfigError(
        `no plugin factory for type '${pluginConfig.type}' (known: ${Object.keys(factories).join(', ')})`,
        { field: `plugins.${name}.type` },
      );
    }
    let plugin: Plugin;
    try {
      plugin = factory({
        name,
        config: pluginConfig,
        workingDirectory: options.workingDirectory,
        logger,
        services: detachedServices,
      });
    } catch (error) {
      if (ConfigError.isInstance(error)) throw error;
      throw new ConfigError(`cannot create plugin '${name}': ${(error as Error).message}`, {
        field: `plugins.${name}`,
        cause: error,
      });
    }
    plugins.set(name, plugin);
    if (typeof pluginConfig.maxConcurrency === 'number')
      limits.set(name, createSemaphore(pluginConfig.maxConcurrency));
  }
  let routes = config.routes;
  if (routes === undefined) {
    const builtin = [...plugins].find(([name]) => config.plugins?.[name]?.type === 'builtin')?.[0];
    routes = builtin === undefined ? {} : defaultRoutes(builtin);
  }
  let router: Router;
  try {
    router = createRouter(routes, new Set(plugins.keys()));
  } catch (error) {
    if (error instanceof RouteConfigError)
      throw new ConfigError(error.message, { field: error.field });
    throw error;
  }

  const activeRuns = new Set<AbortController>();
  let started: Promise<void> | undefined;
  const start = (): Promise<void> => {
    started ??= (async () => {
      for (const plugin of plugins.values()) await plugin.start?.();
    })();
    return started;
  };

  const storedFlows = new WeakSet<object>();
  const flowsById = new Map<string, Flow>();
  const batches = createBatchRegistry();
  const declaredOutputSchemas = createDeclaredOutputSchemas(logger);

  const storeFlow = async (flow: Flow): Promise<string> => {
    const flowId = flowIdOf(flow);
    if (!storedFlows.has(flow)) {
      await store.put(serializeFlow(flow), 'flow');
      storedFlows.add(flow);
    }
    return flowId;
  };

  const rememberFlow = (flowId: string, flow: Flow): void => {
    flowsById.set(flowId, flow);
    if (flowsById.size > FLOW_CACHE_SIZE) flowsById.delete(flowsById.keys().next().value!);
  };

  /** Looks up a stored flow; `notFound` decides the error code when there is none. */
  const lookupFlow = async (
    flowId: string,
    failure: { code: number; message: string } | 'notFound',
  ): Promise<Flow> => {
    const cached = flowsById.get(flowId);
    if (cached) return cached;
    const blob = await store.get(flowId);
    const fail = (reason: string, notFoundCode: boolean): never => {
      if (failure === 'notFound') {
        if (notFoundCode)
          throw new RuntimeServiceError(ErrorCodes.notFound, `Not found: flow with ID '${flowId}'`);
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
    rememberFlow(flowId, flow);
    return flow;
  };

  const servicesFor = (
    depth: number,
    parentRunId: string | undefined,
    parentSignal: AbortSignal,
    validate: boolean,
  ): RuntimeServices => {
    const nestedSignal = (signal?: AbortSignal): AbortSignal =>
      signal && signal !== parentSignal ? AbortSignal.any([parentSignal, signal]) : parentSignal;
    /** A nested run; `detached` runs (batches) outlive the calling run and stop only on close. */
    const nested = async (
      flow: Flow,
      input: unknown,
      signal?: AbortSignal,
      detached = false,
    ): Promise<{ result: FlowResult; runId: string }> => {
      const fatal = fatalDiagnostics(flow);
      if (fatal.length > 0) {
        throw new RuntimeServiceError(ErrorCodes.serverError, 'Failed to evaluate flow', {
          reason: fatal.map((d) => d.message).join('; '),
        });
      }
      if (depth > maxDepth) throw nestingLimitError(maxDepth, depth);
      const runSignal = detached ? undefined : nestedSignal(signal);
      const outcome = await runInternal({
        flow,
        input,
        ...(runSignal ? { signal: runSignal } : {}),
        validate,
        depth,
        ...(parentRunId === undefined ? {} : { parentRunId }),
      });
      const { result } = outcome;
      if (result.outcome === 'failed' && isNestingLimitFailure(result.error))
        throw nestingLimitError(maxDepth, depth);
      return { result, runId: outcome.runId };
    };
    return {
      async putBlob(data, blobType) {
        if (blobType === 'flow') {
          const fatal = fatalDiagnostics(normalizeFlowAliases(data).value as Flow);
          if (typeof data !== 'object' || data === null || fatal.length > 0) {
            throw new RuntimeServiceError(ErrorCodes.serverError, 'Failed to put blob', {
              reason: `not a valid flow: ${fatal.map((d) => d.message).join('; ') || 'not an object'}`,
            });
          }
        }
        checkBlobSize(data, maxBlobBytes);
        return store.put(data, blobType);
      },
      async getBlob(id) {
        const blob = await store.get(id);
        if (!blob)
          throw new RuntimeServiceError(ErrorCodes.serverError, 'Failed to get blob', {
            blob_id: id,
            reason: `no blob with id '${id}'`,
          });
        return blob;
      },
      async evaluateFlow(flowId, input, evaluateOptions) {
        const flow = await lookupFlow(flowId, {
          code: ErrorCodes.serverError,
          message: 'Failed to evaluate flow',
        });
        return nested(flow, input, evaluateOptions?.signal);
      },
      async runFlow(flow, input, runOptions) {
        await storeFlow(flow);
        return nested(flow, input, runOptions?.signal);
      },
      async getFlowMetadata(flowId, stepId) {
        const flow = await lookupFlow(flowId, 'notFound');
        const doc = flow as unknown as {
          metadata?: Record<string, unknown>;
          steps?: { id: string; metadata?: Record<string, unknown> }[];
        };
        const result: Record<string, unknown> = { flow_metadata: doc.metadata ?? {} };
        if (stepId !== undefined) {
          const step = doc.steps?.find((s) => s.id === stepId);
          if (!step)
            throw new RuntimeServiceError(
              ErrorCodes.notFound,
              `Not found: step with ID '${stepId}'`,
            );
          result.step_metadata = step.metadata ?? {};
        }
        return result as Awaited<ReturnType<RuntimeServices['getFlowMetadata']>>;
      },
      async submitBatch(flowId, inputs, batchOptions) {
        const flow = await lookupFlow(flowId, 'notFound');
        const batchId = newId();
        const results: (FlowResult | undefined)[] = new Array<FlowResult | undefined>(
          inputs.length,
        ).fill(undefined);
        const limit = batchOptions?.maxConcurrency ?? Math.max(1, inputs.length);
        if (!(limit >= 1))
          throw new RuntimeServiceError(
            ErrorCodes.invalidValue,
            "Invalid value for field 'max_concurrency': expected at least 1",
          );
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < inputs.length) {
            const index = next++;
            try {
              results[index] = (await nested(flow, inputs[index], undefined, true)).result;
            } catch (error) {
              results[index] = {
                outcome: 'failed',
                error: { code: INFRASTRUCTURE_ERROR_CODE, message: (error as Error).message },
              };
            }
          }
        };
        const done = Promise.all(
          Array.from({ length: Math.min(limit, inputs.length) }, worker),
        ).then(() => batches.complete(batchId, clock.now()));
        const name = (flow as { name?: unknown }).name;
        batches.add({
          batchId,
          flowId,
          flowName: typeof name === 'string' ? name : undefined,
          createdAt: clock.now(),
          results,
          done,
        });
        return { batch_id: batchId, total_runs: inputs.length };
      },
      async getBatch(batchId, batchOptions) {
        const record = batches.get(batchId);
        if (!record) {
          if (!UUID.test(batchId))
            throw new RuntimeServiceError(
              ErrorCodes.invalidValue,
              "Invalid value for field 'batch_id': expected valid UUID",
            );
          throw new RuntimeServiceError(
            ErrorCodes.notFound,
            `Not found: batch with ID '${batchId}'`,
          );
        }
        if (batchOptions?.wait) await record.done;
        return batches.describe(record, batchOptions?.includeResults ?? false);
      },
    };
  };

  const runInternal = async (request: InternalRun): Promise<RunOutcome> => {
    const runId = request.runId ?? newId();
    const flow = request.flow;
    const flowId = await storeFlow(flow);
    rememberFlow(flowId, flow);
    try {
      checkFlowInput(flow, request.input, request.validate);
    } catch (error) {
      if (request.depth === 0 || !InputValidationError.isInstance(error)) throw error;
      return {
        runId,
        flowId,
        result: {
          outcome: 'failed',
          error: { code: 400, message: error.message, data: { violations: error.violations } },
        },
      };
    }
    await start();
    const controller = new AbortController();
    // Nested runs, map items and retries all listen to a run's signal: no listener limit on it.
    setMaxListeners(0, controller.signal);
    const external = request.signal;
    const abort = (): void => controller.abort(external?.reason);
    if (closing.signal.aborted) controller.abort(closing.signal.reason);
    else if (external?.aborted) abort();
    else external?.addEventListener('abort', abort, { once: true });
    activeRuns.add(controller);
    const services = servicesFor(request.depth + 1, runId, controller.signal, request.validate);
    const dispatch = async ({
      step,
      input,
      attempt,
      signal,
    }: StepDispatch): Promise<FlowResult> => {
      let target;
      try {
        target = router.resolve(step.component, input);
      } catch (error) {
        if (error instanceof RoutingError)
          throw new ComponentError(ErrorCodes.componentNotFound, error.message);
        throw error;
      }
      const plugin = plugins.get(target.plugin)!;
      const context: ExecutionContext = {
        runId,
        flowId,
        stepId: step.id,
        attempt,
        signal,
        services,
        logger,
      };
      const execution = { component: target.component, input, context };
      const limit = limits.get(target.plugin);
      const result = await (limit
        ? limit.run(() => plugin.execute(execution))
        : plugin.execute(execution));
      return checkPluginResult(
        result,
        target,
        plugin,
        request.validate ? declaredOutputSchemas : undefined,
      );
    };
    const listeners = [request.onEvent, options.onEvent].filter(
      (listener): listener is (event: RunEvent) => void => listener !== undefined,
    );
    const onEvent =
      listeners.length === 0
        ? undefined
        : listeners.length === 1
          ? listeners[0]
          : (event: RunEvent): void => {
              for (const listener of listeners) listener(event);
            };
    try {
      const result = await executeRun({
        plan: planFlow(flow),
        input: request.input,
        runId,
        flowId,
        ...(request.parentRunId === undefined ? {} : { parentRunId: request.parentRunId }),
        signal: controller.signal,
        clock,
        random,
        dispatch,
        componentName: (step, input) => {
          try {
            return router.resolve(step.component, input).component;
          } catch {
            return step.component;
          }
        },
        ...(onEvent === undefined
          ? {}
          : {
              emit: (event: RunEvent) => {
                try {
                  onEvent(event);
                } catch (error) {
                  logger.warn('run event listener threw', {
                    runId,
                    error: (error as Error).message,
                  });
                }
              },
            }),
        ...(request.resumeFrom === undefined ? {} : { resumeFrom: request.resumeFrom }),
        validate: request.validate,
      });
      return { runId, flowId, result };
    } finally {
      external?.removeEventListener('abort', abort);
      activeRuns.delete(controller);
    }
  };

  return {
    async run(request: RunRequest) {
      const fatal = fatalDiagnostics(request.flow);
      if (fatal.length > 0) throw new FlowValidationError(fatal);
      return runInternal({
        flow: request.flow,
        input: request.input,
        ...(request.runId === undefined ? {} : { runId: request.runId }),
        ...(request.signal === undefined ? {} : { signal: request.signal }),
        ...(request.onEvent === undefined ? {} : { onEvent: request.onEvent }),
        ...(request.resumeFrom === undefined ? {} : { resumeFrom: request.resumeFrom }),
        validate: request.validateInput ?? true,
        depth: 0,
      });
    },
    async listComponents(): Promise<ListedComponent[]> {
      await start();
      const listed: ListedComponent[] = [];
      for (const [name, plugin] of plugins) {
        for (const info of await plugin.listComponents()) listed.push({ plugin: name, info });
      }
      return listed;
    },
    async close() {
      const reason = new Error('the runtime was closed');
      closing.abort(reason);
      for (const controller of activeRuns) controller.abort(reason);
      await Promise.allSettled([...plugins.values()].map((plugin) => plugin.close()));
    },
  };
}
