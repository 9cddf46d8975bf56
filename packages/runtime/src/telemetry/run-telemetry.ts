import {
  isSpanContextValid,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { FlowError, FlowResult } from '@stepflow/protocol';
import type { RandomSource } from '../clock.ts';
import type { RunEvent } from '../scheduler/run-event.ts';
import { runtimeMetrics, TELEMETRY_SCOPE, type RuntimeMetrics } from './runtime-metrics.ts';
import { createSpanIds, traceIdForRun } from './trace-ids.ts';

/** Where a step's component runs, for the attributes of a component call span. */
export interface CallTarget {
  readonly component: string;
  readonly plugin: string;
  readonly pluginType: string;
  readonly transport: string;
  /**
   * Whether the call must run with its span active (`context.with`): code that starts spans of its
   * own (a plugin, an instrumented HTTP client) finds its parent there. In-process builtins that
   * do no I/O do not need it, and skipping it spares every step the async-context switch.
   */
  readonly needsActiveSpan: boolean;
}

/** The span of one component call, when the run records spans. */
export interface CallSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Whether the call must run with its span active (see `CallTarget.needsActiveSpan`). */
  readonly needsActiveSpan: boolean;
  /**
   * The context with this span active, built on first use (most calls start no nested run): nested
   * runs started by the component are its children.
   */
  context(): Context;
  /** Ends the span with the call's result, or with what it threw. */
  end(result: FlowResult | undefined, error?: unknown): void;
}

/** What a run's telemetry needs to know about the run. */
export interface RunTelemetryOptions {
  readonly runId: string;
  readonly flowId: string;
  readonly flowName?: string;
  readonly depth: number;
  readonly parentRunId?: string;
  readonly parentStepId?: string;
  /** The parent run's trace id, used when no span records (so nested runs share one trace). */
  readonly traceId?: string;
  /** The context the run span is a child of. */
  readonly parent: Context;
  readonly random: RandomSource;
}

/** Spans, metrics and W3C ids of one run. */
export interface RunTelemetry {
  /** The run's trace id (32 lowercase hex digits), always set. */
  readonly traceId: string;
  /** Whether the run records spans (checked once per run; `startCall` is pointless when not). */
  readonly recording: boolean;
  /** A fresh span id (16 lowercase hex digits) for a call when no span records. */
  newSpanId(): string;
  /** Receives the run's events; `undefined` when neither spans nor metrics are recorded. */
  readonly onEvent: ((event: RunEvent) => void) | undefined;
  /** Starts a component call span under its step; `undefined` when the run records no spans. */
  startCall(stepId: string, attempt: number, target: () => CallTarget): CallSpan | undefined;
  /** Ends the run span with the run's result, or with what the run threw. */
  end(result: FlowResult | undefined, error?: unknown): void;
}

interface StepRecord {
  span: Span | undefined;
  context: Context | undefined;
  startedAt: number;
  component: string;
  lastCallFailed: boolean;
}

/** Marks a span failed: the error as an exception event and the span status. */
export function failSpan(span: Span, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  span.recordException(error instanceof Error ? error : { message });
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

function failWithFlowError(span: Span, error: FlowError): void {
  span.setAttribute('stepflow.error.code', error.code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}

/**
 * Starts the telemetry of one run. The run span is started once; when it does not record (no
 * tracer provider, or sampled out) and no meter provider is registered, nothing is built per step:
 * the run then costs one no-op span and its ids.
 */
export function startRunTelemetry(options: RunTelemetryOptions): RunTelemetry {
  const tracer = trace.getTracer(TELEMETRY_SCOPE);
  const attributes: Attributes = {
    'stepflow.run.id': options.runId,
    'stepflow.flow.id': options.flowId,
    'stepflow.run.depth': options.depth,
  };
  if (options.flowName !== undefined) attributes['stepflow.flow.name'] = options.flowName;
  if (options.parentRunId !== undefined) attributes['stepflow.parent.run_id'] = options.parentRunId;
  if (options.parentStepId !== undefined)
    attributes['stepflow.parent.step_id'] = options.parentStepId;
  const runSpan = tracer.startSpan(
    `run ${options.flowName ?? options.flowId}`,
    { kind: SpanKind.INTERNAL, attributes },
    options.parent,
  );
  const recording = runSpan.isRecording();
  const meters = runtimeMetrics();
  meters?.runsStarted.add(1, { 'stepflow.run.nested': options.depth > 0 });
  const newSpanId = createSpanIds(options.random);
  // Not recording: the calling run's trace, else a (non-recorded) parent's, else the run id.
  const ids = runSpan.spanContext();
  const traceId = recording
    ? ids.traceId
    : (options.traceId ??
      (isSpanContextValid(ids) ? ids.traceId : traceIdForRun(options.runId, options.random)));
  const runContext = recording ? trace.setSpan(options.parent, runSpan) : options.parent;
  const steps = new Map<string, StepRecord>();
  const onEvent =
    recording || meters
      ? (event: RunEvent) => observe(event, { recording, meters, tracer, runContext, steps })
      : undefined;

  return {
    traceId,
    recording,
    newSpanId,
    onEvent,
    startCall(stepId, attempt, target) {
      if (!recording) return undefined;
      const step = steps.get(stepId);
      const where = target();
      const span = tracer.startSpan(
        `call ${where.component}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'stepflow.step.id': stepId,
            'stepflow.step.attempt': attempt,
            'stepflow.component': where.component,
            'stepflow.plugin': where.plugin,
            'stepflow.plugin.type': where.pluginType,
            'stepflow.transport': where.transport,
          },
        },
        step?.context ?? runContext,
      );
      const ids = span.spanContext();
      let active: Context | undefined;
      return {
        traceId: ids.traceId,
        spanId: ids.spanId,
        needsActiveSpan: where.needsActiveSpan,
        context: () => (active ??= trace.setSpan(step?.context ?? runContext, span)),
        end(result, error) {
          if (error !== undefined) failSpan(span, error);
          else if (result?.outcome === 'failed') failWithFlowError(span, result.error);
          if (step) step.lastCallFailed = error !== undefined || result?.outcome === 'failed';
          span.end();
        },
      };
    },
    end(result, error) {
      const outcome = result?.outcome ?? 'failed';
      meters?.runsCompleted.add(1, { 'stepflow.run.outcome': outcome });
      if (!recording) return;
      for (const step of steps.values()) step.span?.end();
      steps.clear();
      runSpan.setAttribute('stepflow.run.outcome', outcome);
      if (error !== undefined) failSpan(runSpan, error);
      else if (result?.outcome === 'failed') failWithFlowError(runSpan, result.error);
      runSpan.end();
    },
  };
}

interface Observer {
  readonly recording: boolean;
  readonly meters: RuntimeMetrics | undefined;
  readonly tracer: ReturnType<typeof trace.getTracer>;
  readonly runContext: Context;
  readonly steps: Map<string, StepRecord>;
}

function openStep(
  observer: Observer,
  stepId: string,
  component: string,
  attempt: number,
  at: number,
): StepRecord {
  let span: Span | undefined;
  let context: Context | undefined;
  if (observer.recording) {
    // Every attribute known now goes in here: one sanitising pass instead of one per setAttribute.
    span = observer.tracer.startSpan(
      `step ${stepId}`,
      {
        kind: SpanKind.INTERNAL,
        attributes:
          attempt > 0
            ? {
                'stepflow.step.id': stepId,
                'stepflow.component': component,
                'stepflow.step.attempt': attempt,
              }
            : { 'stepflow.step.id': stepId, 'stepflow.component': component },
      },
      observer.runContext,
    );
    context = trace.setSpan(observer.runContext, span);
  }
  const record: StepRecord = { span, context, startedAt: at, component, lastCallFailed: false };
  observer.steps.set(stepId, record);
  return record;
}

/** Follows a run's events: step spans, their decisions as span events, and step metrics. */
function observe(event: RunEvent, observer: Observer): void {
  switch (event.type) {
    case 'stepStarted': {
      const step = observer.steps.get(event.stepId);
      if (step === undefined) {
        openStep(observer, event.stepId, event.component, event.attempt, event.at);
        observer.meters?.stepsInFlight.add(1, { 'stepflow.component': event.component });
      } else if (step.span !== undefined) {
        step.span.addEvent('step.attempt', { 'stepflow.step.attempt': event.attempt });
        step.span.setAttribute('stepflow.step.attempt', event.attempt);
      }
      return;
    }
    case 'stepRetrying': {
      observer.steps.get(event.stepId)?.span?.addEvent('step.retry', {
        'stepflow.retry.reason': event.reason,
        'stepflow.retry.delay_ms': event.delayMs,
        'stepflow.error.code': event.error.code,
        'stepflow.error.message': event.error.message,
      });
      return;
    }
    case 'stepCompleted': {
      completeStep(observer, event.stepId, event.attempt, event.result, event.at);
      return;
    }
    default:
      return;
  }
}

function completeStep(
  observer: Observer,
  stepId: string,
  attempt: number,
  result: FlowResult,
  at: number,
): void {
  let step = observer.steps.get(stepId);
  const dispatched = step !== undefined;
  // A step that never ran (skipped, or its input failed to resolve) gets a span of its own too.
  step ??= openStep(observer, stepId, '', attempt, at);
  observer.steps.delete(stepId);
  if (dispatched) {
    observer.meters?.stepsInFlight.add(-1, { 'stepflow.component': step.component });
    observer.meters?.stepDuration.record(Math.max(0, at - step.startedAt), {
      'stepflow.component': step.component,
      'stepflow.step.outcome': result.outcome,
    });
  }
  const span = step.span;
  if (span === undefined) return;
  span.setAttribute('stepflow.step.outcome', result.outcome);
  if (!dispatched && result.outcome === 'skipped') span.addEvent('step.skipped');
  if (step.lastCallFailed && result.outcome !== 'failed') {
    span.addEvent('step.on_error', {
      'stepflow.on_error.action': result.outcome === 'skipped' ? 'skip' : 'useDefault',
    });
  }
  if (result.outcome === 'failed') failWithFlowError(span, result.error);
  span.end();
}
