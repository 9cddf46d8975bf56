import { setMaxListeners } from 'node:events';
import {
  context as otelContext,
  ROOT_CONTEXT,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { Flow, FlowResult } from '@stepflow/protocol';
import type { Clock, IdGenerator, RandomSource } from '../clock.ts';
import { InputValidationError } from '../errors/input-validation-error.ts';
import { createGroupCommit, type PersistEvent } from '../journal/group-commit.ts';
import type { RunJournalStore } from '../journal/run-journal-store.ts';
import type { Logger } from '../logger.ts';
import type { ExecutionContext } from '../plugins/plugin.ts';
import { foldRunEvents } from '../run-state/reduce-run-event.ts';
import type { RunOutcome } from '../runtime-types.ts';
import { executeRun, type StepDispatch } from '../scheduler/execute-run.ts';
import type { StepGate } from '../scheduler/step-gate.ts';
import { planFlow, type StepPlan } from '../scheduler/flow-plan.ts';
import type { PauseKind } from '../scheduler/pause-step.ts';
import type { OpenQuestion } from '../pauses/open-question.ts';
import type { PauseTracker } from './pause-tracker.ts';
import type { RunEvent } from '../scheduler/run-event.ts';
import type { RuntimeServices } from '../services/runtime-services.ts';
import { checkFlowInput } from '../validation/check-flow-input.ts';
import type { CallbackScope } from './callback-services.ts';
import type { FlowCatalogue } from './flow-catalogue.ts';
import type { PluginRegistry } from './plugin-registry.ts';
import { RunConflictError } from '../errors/run-conflict-error.ts';
import { startRunTelemetry, type RunTelemetry } from '../telemetry/run-telemetry.ts';
import { untracedRunTelemetry } from '../telemetry/untraced-run-telemetry.ts';

/** One run as the manager executes it: top-level (depth 0) or nested. */
export interface ManagedRun {
  readonly flow: Flow;
  readonly input: unknown;
  readonly runId?: string;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: RunEvent) => void;
  /** Enforce schemas (input, step, flow and declared component outputs); nested runs inherit it. */
  readonly validate: boolean;
  readonly resumeFrom?: readonly RunEvent[];
  /** Consulted before each step of this run (not of its nested runs) starts. */
  readonly stepGate?: StepGate;
  readonly depth: number;
  readonly parentRunId?: string;
  readonly parentStepId?: string;
  /** The calling run's trace id: a nested run without a recording span stays in its trace. */
  readonly traceId?: string;
  /** The span context of the call that started a nested run (its parent span). */
  readonly traceParent?: Context;
  /** The span the calling run runs under: when it is the active one, no callback span is. */
  readonly traceOuter?: Span;
  /** Top-level runs: called when the run has nothing to do but wait (see `RunRequest.onPaused`). */
  readonly onPaused?: (questions: readonly OpenQuestion[]) => void;
}

/** What the run manager works with. */
export interface RunManagerDeps {
  readonly registry: PluginRegistry;
  readonly flows: FlowCatalogue;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  readonly random: RandomSource;
  readonly logger: Logger;
  readonly maxDepth: number;
  /** Whether runs record spans and metrics (`RuntimeOptions.telemetry`). */
  readonly telemetry: boolean;
  readonly journal?: RunJournalStore;
  readonly onEvent?: (event: RunEvent) => void;
  /** Callback services for one dispatch of one step. */
  readonly servicesFor: (scope: CallbackScope) => RuntimeServices;
  /** Open questions and timers of the live runs. */
  readonly pauses: PauseTracker;
}

/** Starts runs, tracks the active ones, and cancels them all on close. */
export interface RunManager {
  run(request: ManagedRun): Promise<RunOutcome>;
  /** Aborts every active run and refuses new ones. */
  closeAll(reason: Error): void;
}

function combineListeners(
  listeners: readonly ((event: RunEvent) => void)[],
): ((event: RunEvent) => void) | undefined {
  if (listeners.length === 0) return undefined;
  if (listeners.length === 1) return listeners[0];
  return (event) => {
    for (const listener of listeners) listener(event);
  };
}

/** Creates the run manager of a runtime. */
export function createRunManager(deps: RunManagerDeps): RunManager {
  const closing = new AbortController();
  const activeRuns = new Set<AbortController>();
  const persist: PersistEvent | undefined = deps.journal
    ? createGroupCommit((events) => deps.journal!.appendEvents(events))
    : undefined;

  /** A durable run's journal so far; a finished run's recorded outcome ends the run early. */
  const recorded = async (
    runId: string,
    flowId: string,
  ): Promise<{ events?: readonly RunEvent[]; result?: FlowResult }> => {
    const events = await deps.journal?.readEvents(runId);
    if (!events || events.length === 0) return {};
    const state = foldRunEvents(events)!;
    if (state.flowId !== flowId)
      throw new RunConflictError(runId, `it was started with flow ${state.flowId}, not ${flowId}`);
    if (state.result !== undefined) return { result: state.result };
    return { events };
  };

  /** Which pausing builtin a step is: only names that could route to one are looked up. */
  const pauseKindOf = (step: StepPlan, input: unknown): PauseKind | undefined => {
    const component = step.component;
    if (!component.endsWith('ask_human') && !component.endsWith('sleep')) return undefined;
    const target = deps.registry.describe(component, input);
    if (target.pluginType !== 'builtin') return undefined;
    if (target.component === '/ask_human') return 'ask_human';
    return target.component === '/sleep' ? 'sleep' : undefined;
  };

  const run = async (request: ManagedRun): Promise<RunOutcome> => {
    const runId = request.runId ?? deps.newId();
    const flow = request.flow;
    const flowId = await deps.flows.store(flow);
    let resumeFrom = request.resumeFrom;
    if (resumeFrom === undefined && request.runId !== undefined && deps.journal) {
      const earlier = await recorded(runId, flowId);
      if (earlier.result) return { runId, flowId, result: earlier.result };
      resumeFrom = earlier.events;
    }
    if (resumeFrom === undefined) {
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
    }
    // A paused run that is resumed goes on: `running` until it waits again. A gated (debug) run
    // stays `paused`: it executes only the steps its debugger releases.
    if (resumeFrom !== undefined && resumeFrom.length > 0 && request.stepGate === undefined)
      await deps.journal?.markPaused?.(runId, false);
    await deps.registry.start();
    const controller = new AbortController();
    // Nested runs, map items and retries all listen to a run's signal: no listener limit on it.
    setMaxListeners(0, controller.signal);
    const external = request.signal;
    const abort = (): void => controller.abort(external?.reason);
    if (closing.signal.aborted) controller.abort(closing.signal.reason);
    else if (external?.aborted) abort();
    else external?.addEventListener('abort', abort, { once: true });
    activeRuns.add(controller);
    const active = deps.telemetry ? otelContext.active() : ROOT_CONTEXT;
    const telemetry = startTelemetry(request, runId, flowId, active);
    // Only looked at by nested runs of recorded calls.
    const outerSpan = telemetry.recording ? trace.getSpan(active) : undefined;
    deps.logger.debug('run started', {
      run_id: runId,
      flow_id: flowId,
      trace_id: telemetry.traceId,
      ...(request.parentRunId === undefined ? {} : { parent_run_id: request.parentRunId }),
      ...(request.parentStepId === undefined ? {} : { parent_step_id: request.parentStepId }),
    });
    const dispatch = ({ step, input, attempt, retries, signal }: StepDispatch) => {
      let services: RuntimeServices | undefined;
      // No closure or call per dispatch when the run records no spans (the usual case).
      const call = telemetry.recording
        ? telemetry.startCall(step.id, attempt, () => deps.registry.describe(step.component, input))
        : undefined;
      const scope: CallbackScope = {
        depth: request.depth + 1,
        parentRunId: runId,
        parentStepId: step.id,
        generation: retries,
        signal: controller.signal,
        validate: request.validate,
        deriveChildIds: deps.journal !== undefined,
        traceId: telemetry.traceId,
        // Set even when undefined: a spread here would slow every dispatch.
        traceCall: call,
        traceOuter: outerSpan,
      };
      const context: ExecutionContext = {
        runId,
        flowId,
        stepId: step.id,
        attempt,
        signal,
        traceId: telemetry.traceId,
        // Plain data, no getters: each accessor in this literal costs every dispatch measurably.
        spanId: call?.spanId,
        // Built on first use: most components never call back.
        get services() {
          return (services ??= deps.servicesFor(scope));
        },
        logger: deps.logger,
      };
      if (call === undefined)
        return deps.registry.execute(step.component, input, context, request.validate);
      // Switching the async context costs every step; only calls that need it pay (see
      // `CallTarget.needsActiveSpan`).
      const execution = call.needsActiveSpan
        ? otelContext.with(call.context(), () =>
            deps.registry.execute(step.component, input, context, request.validate),
          )
        : deps.registry.execute(step.component, input, context, request.validate);
      return execution.then(
        (result) => {
          call.end(result);
          return result;
        },
        (error: unknown) => {
          call.end(undefined, error);
          throw error;
        },
      );
    };
    const onEvent = combineListeners(
      [telemetry.onEvent, request.onEvent, deps.onEvent].filter(
        (listener): listener is (event: RunEvent) => void => listener !== undefined,
      ),
    );
    const tracked = deps.pauses.register({
      runId,
      ...(request.parentRunId === undefined ? {} : { parentRunId: request.parentRunId }),
      ...(request.parentStepId === undefined ? {} : { parentStepId: request.parentStepId }),
      ...(request.onPaused === undefined ? {} : { onPaused: request.onPaused }),
    });
    try {
      const result = await executeRun({
        plan: planFlow(flow),
        input: request.input,
        runId,
        flowId,
        ...(request.parentRunId === undefined ? {} : { parentRunId: request.parentRunId }),
        ...(request.parentStepId === undefined ? {} : { parentStepId: request.parentStepId }),
        signal: controller.signal,
        clock: deps.clock,
        random: deps.random,
        dispatch,
        componentName: (step, input) => deps.registry.componentName(step.component, input),
        ...(onEvent === undefined
          ? {}
          : {
              emit: (event: RunEvent) => {
                try {
                  onEvent(event);
                } catch (error) {
                  deps.logger.warn('run event listener threw', {
                    runId,
                    error: (error as Error).message,
                  });
                }
              },
            }),
        ...(persist === undefined ? {} : { persist }),
        ...(resumeFrom === undefined ? {} : { resumeFrom }),
        ...(request.stepGate === undefined ? {} : { stepGate: request.stepGate }),
        validate: request.validate,
        pauses: tracked.host,
        pauseKindOf,
      });
      telemetry.end(result);
      deps.logger.debug('run finished', {
        run_id: runId,
        trace_id: telemetry.traceId,
        outcome: result.outcome,
      });
      return { runId, flowId, result };
    } catch (error) {
      telemetry.end(undefined, error);
      throw error;
    } finally {
      tracked.release();
      external?.removeEventListener('abort', abort);
      activeRuns.delete(controller);
    }
  };

  /**
   * A nested run is a child of the span active where it was started when that is a callback's
   * span, else of the component call that started it. The span the calling run itself runs under
   * is no callback's: builtins run without their call span active.
   */
  const startTelemetry = (
    request: ManagedRun,
    runId: string,
    flowId: string,
    active: Context,
  ): RunTelemetry => {
    if (!deps.telemetry) return untracedRunTelemetry(runId, request.traceId, deps.random);
    const activeSpan = trace.getSpan(active);
    const parent =
      activeSpan === undefined || activeSpan === request.traceOuter
        ? (request.traceParent ?? active)
        : active;
    return startRunTelemetry({
      runId,
      flowId,
      ...(typeof request.flow.name === 'string' ? { flowName: request.flow.name } : {}),
      depth: request.depth,
      ...(request.parentRunId === undefined ? {} : { parentRunId: request.parentRunId }),
      ...(request.parentStepId === undefined ? {} : { parentStepId: request.parentStepId }),
      ...(request.traceId === undefined ? {} : { traceId: request.traceId }),
      parent,
      random: deps.random,
    });
  };

  return {
    run,
    closeAll(reason) {
      closing.abort(reason);
      for (const controller of activeRuns) controller.abort(reason);
    },
  };
}
