import { randomUUID } from 'node:crypto';
import { type BlobStore, createMemoryBlobStore } from '@stepflow/blob-store';
import type { Flow } from '@stepflow/protocol';
import { type Clock, systemClock } from './clock.ts';
import { type CallbackScope, createCallbackServices } from './engine/callback-services.ts';
import { createFlowCatalogue } from './engine/flow-catalogue.ts';
import { createPluginRegistry } from './engine/plugin-registry.ts';
import { createPauseTracker } from './engine/pause-tracker.ts';
import { createRunManager } from './engine/run-manager.ts';
import { answerQuestion, listQuestions, type AnswerDeps } from './pauses/answer-question.ts';
import { FlowValidationError } from './errors/flow-validation-error.ts';
import { createStateStoreJournal } from './journal/state-store-journal.ts';
import { RunSuspendedError } from './errors/run-suspended-error.ts';
import { type Logger, silentLogger } from './logger.ts';
import { builtinPluginFactory } from './plugins/builtin/builtin-plugin.ts';
import { mockPluginFactory } from './plugins/mock/mock-plugin.ts';
import type { RunOutcome, RunRequest, Runtime, RuntimeOptions } from './runtime-types.ts';
import { createBatchRegistry } from './services/batch-registry.ts';
import { lazyServices } from './services/lazy-services.ts';
import type { RuntimeServices } from './services/runtime-services.ts';
import { DEFAULT_MAX_BLOB_BYTES } from './services/blob-size.ts';
import type { Diagnostic } from './validation/diagnostic.ts';
import { validateFlow } from './validation/validate-flow.ts';

/** Default maximum nesting of runs. */
export const DEFAULT_MAX_DEPTH = 32;

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
 * With a `journal`, runs are durable: see `RuntimeOptions.journal`.
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  const clock: Clock = options.clock ?? systemClock;
  const newId = options.ids ?? randomUUID;
  const logger: Logger = options.logger ?? silentLogger;
  const blobs: BlobStore = options.blobStore ?? options.stateStore ?? createMemoryBlobStore();
  const journal =
    options.journal ??
    (options.stateStore ? createStateStoreJournal(options.stateStore) : undefined);
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const closing = new AbortController();
  // For callbacks that name no run: nested runs without a parent, ended when the runtime closes.
  const detachedServices = lazyServices(() =>
    servicesFor({
      depth: 1,
      generation: 0,
      signal: closing.signal,
      validate: true,
      deriveChildIds: false,
    }),
  );
  const registry = createPluginRegistry({
    config: options.config,
    factories: {
      builtin: builtinPluginFactory,
      mock: mockPluginFactory,
      ...options.pluginFactories,
    },
    workingDirectory: options.workingDirectory,
    logger,
    services: detachedServices,
  });
  const flows = createFlowCatalogue(blobs);
  const batches = createBatchRegistry();
  const pauses = createPauseTracker({
    clock,
    logger,
    ...(journal === undefined ? {} : { journal }),
    ...(options.stateStore === undefined ? {} : { answers: options.stateStore }),
    ...(options.refuseQuestions === undefined ? {} : { refuseQuestions: options.refuseQuestions }),
  });
  const answering: AnswerDeps = {
    clock,
    tracker: pauses,
    ...(options.stateStore === undefined ? {} : { store: options.stateStore }),
  };
  const runs = createRunManager({
    registry,
    flows,
    clock,
    newId,
    random: options.random ?? Math.random,
    logger,
    maxDepth,
    telemetry: options.telemetry ?? true,
    ...(journal === undefined ? {} : { journal }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
    servicesFor: (scope) => servicesFor(scope),
    pauses,
  });
  function servicesFor(scope: CallbackScope): RuntimeServices {
    return createCallbackServices(
      {
        blobs,
        flows,
        batches,
        clock,
        newId,
        maxDepth,
        maxBlobBytes: options.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES,
        fatalDiagnostics,
        runNested: (nested) => runs.run(nested),
      },
      scope,
    );
  }

  return {
    async run<Input, Output>(request: RunRequest<Input, Output>): Promise<RunOutcome<Output>> {
      const fatal = fatalDiagnostics(request.flow);
      if (fatal.length > 0) throw new FlowValidationError(fatal);
      // A typed flow's output type is the caller's promise about what the flow produces; the
      // engine checks no types (a flow's outputSchema is documentation).
      return (await runs.run({
        flow: request.flow,
        input: request.input,
        ...(request.runId === undefined ? {} : { runId: request.runId }),
        ...(request.signal === undefined ? {} : { signal: request.signal }),
        ...(request.onEvent === undefined ? {} : { onEvent: request.onEvent }),
        ...(request.resumeFrom === undefined ? {} : { resumeFrom: request.resumeFrom }),
        ...(request.stepGate === undefined ? {} : { stepGate: request.stepGate }),
        ...(request.onPaused === undefined ? {} : { onPaused: request.onPaused }),
        validate: request.validateInput ?? true,
        depth: 0,
      })) as RunOutcome<Output>;
    },
    answer: (runId, stepId, answer, answerOptions) =>
      answerQuestion(answering, runId, stepId, answer, answerOptions),
    questions: (listOptions) => listQuestions(answering, listOptions?.runId),
    listComponents: () => registry.listComponents(),
    async close() {
      const reason = new RunSuspendedError();
      closing.abort(reason);
      runs.closeAll(reason);
      await registry.close();
    },
  };
}
