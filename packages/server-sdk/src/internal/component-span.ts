import {
  context,
  isValidSpanId,
  isValidTraceId,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
} from '@opentelemetry/api';
import type { ObservabilityContext } from '@stepflow/protocol';

const TRACER = '@stepflow/server-sdk';

/** The span of one component execution, when a tracer provider records it. */
export interface ComponentSpan {
  /** The request's observability with this span's ids: what callbacks send back. */
  readonly observability: ObservabilityContext;
  /** The context to run the handler in, so its own spans are children of this one. */
  readonly context: Context;
  /** Ends the span; a thrown `error` marks it failed. */
  end(error?: unknown): void;
}

/** The runtime's span named by `observability`, as a parent context. */
function parentOf(observability: ObservabilityContext): Context {
  const traceId = observability.trace_id;
  const spanId = observability.span_id;
  if (
    typeof traceId === 'string' &&
    typeof spanId === 'string' &&
    isValidTraceId(traceId) &&
    isValidSpanId(spanId)
  ) {
    return trace.setSpanContext(ROOT_CONTEXT, {
      traceId,
      spanId,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
  }
  return context.active();
}

/**
 * Starts the span of one `components/execute`, a child of the runtime's call span named by the
 * request's `observability`. Returns `undefined` when the span does not record (no tracer
 * provider registered): the execution then passes the runtime's ids back unchanged.
 */
export function startComponentSpan(
  component: string,
  attempt: number,
  observability: ObservabilityContext,
): ComponentSpan | undefined {
  const parent = parentOf(observability);
  const attributes: Attributes = {
    'stepflow.component': component,
    'stepflow.step.attempt': attempt,
  };
  if (typeof observability.run_id === 'string')
    attributes['stepflow.run.id'] = observability.run_id;
  if (typeof observability.step_id === 'string')
    attributes['stepflow.step.id'] = observability.step_id;
  if (typeof observability.flow_id === 'string')
    attributes['stepflow.flow.id'] = observability.flow_id;
  const span = trace
    .getTracer(TRACER)
    .startSpan(`component ${component}`, { kind: SpanKind.SERVER, attributes }, parent);
  if (!span.isRecording()) return undefined;
  const ids = span.spanContext();
  return {
    observability: { ...observability, trace_id: ids.traceId, span_id: ids.spanId },
    context: trace.setSpan(parent, span),
    end(error) {
      if (error !== undefined) {
        const message = error instanceof Error ? error.message : JSON.stringify(error);
        span.recordException(error instanceof Error ? error : { message });
        span.setStatus({ code: SpanStatusCode.ERROR, message });
      }
      span.end();
    },
  };
}
