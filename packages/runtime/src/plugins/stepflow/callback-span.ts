import {
  context,
  isValidSpanId,
  isValidTraceId,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
} from '@opentelemetry/api';
import type { ObservabilityContext } from '@stepflow/protocol';
import { TELEMETRY_SCOPE } from '../../telemetry/runtime-metrics.ts';
import { failSpan } from '../../telemetry/run-telemetry.ts';

/** The component server's span named by a callback's `observability`, as a parent context. */
function remoteParent(observability: ObservabilityContext | null | undefined): Context {
  const traceId = observability?.trace_id;
  const spanId = observability?.span_id;
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
 * Serves one callback of a component server inside a span of its own, a child of the server's
 * span named by the callback's `observability` (so work the callback starts, a nested run say,
 * sits under the component that asked for it). Without a recording tracer it only calls `work`.
 */
export function withCallbackSpan<T>(
  method: string,
  observability: ObservabilityContext | null | undefined,
  work: () => Promise<T>,
): Promise<T> {
  const parent = remoteParent(observability);
  const attributes: Attributes = { 'rpc.system': 'jsonrpc', 'rpc.method': method };
  if (typeof observability?.run_id === 'string')
    attributes['stepflow.run.id'] = observability.run_id;
  if (typeof observability?.step_id === 'string')
    attributes['stepflow.step.id'] = observability.step_id;
  const span = trace
    .getTracer(TELEMETRY_SCOPE)
    .startSpan(`callback ${method}`, { kind: SpanKind.SERVER, attributes }, parent);
  if (!span.isRecording()) return work();
  return context.with(trace.setSpan(parent, span), work).then(
    (value) => {
      span.end();
      return value;
    },
    (error: unknown) => {
      failSpan(span, error);
      span.end();
      throw error;
    },
  );
}
