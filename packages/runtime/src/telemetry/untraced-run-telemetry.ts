import type { RandomSource } from '../clock.ts';
import type { RunTelemetry } from './run-telemetry.ts';
import { createSpanIds, traceIdForRun } from './trace-ids.ts';

/**
 * The telemetry of a run on a runtime created with `telemetry: false`: no span, no metric and no
 * OpenTelemetry API call, whatever providers are registered; only the W3C ids log lines and
 * component servers correlate by (the run's own trace id, or the calling run's).
 */
export function untracedRunTelemetry(
  runId: string,
  traceId: string | undefined,
  random: RandomSource,
): RunTelemetry {
  return {
    traceId: traceId ?? traceIdForRun(runId, random),
    recording: false,
    newSpanId: createSpanIds(random),
    onEvent: undefined,
    startCall: () => undefined,
    end: () => undefined,
  };
}
