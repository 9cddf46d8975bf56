import {
  createNoopMeter,
  metrics,
  type Counter,
  type Histogram,
  type Meter,
  type UpDownCounter,
} from '@opentelemetry/api';

/** The meter and tracer name of the runtime's instruments and spans. */
export const TELEMETRY_SCOPE = '@stepflow/runtime';

/** The runtime's metric instruments (OpenTelemetry metrics API). */
export interface RuntimeMetrics {
  /** `stepflow.runs.started`: runs started (nested ones included). */
  readonly runsStarted: Counter;
  /** `stepflow.runs.completed`: runs finished, by `stepflow.run.outcome`. */
  readonly runsCompleted: Counter;
  /** `stepflow.step.duration`: milliseconds from a step's first attempt to its result. */
  readonly stepDuration: Histogram;
  /** `stepflow.steps.in_flight`: steps dispatched and not yet finished. */
  readonly stepsInFlight: UpDownCounter;
  /** `stepflow.component_server.restarts`: component servers started again after they stopped. */
  readonly serverRestarts: Counter;
}

const byMeter = new WeakMap<Meter, RuntimeMetrics>();

/**
 * The instruments of the globally registered meter provider, or `undefined` when none is
 * registered: callers then skip the per-step bookkeeping entirely. Checked per run, so a
 * provider registered after the runtime was created is still picked up.
 */
export function runtimeMetrics(): RuntimeMetrics | undefined {
  const meter = metrics.getMeter(TELEMETRY_SCOPE);
  if (meter === createNoopMeter()) return undefined;
  let instruments = byMeter.get(meter);
  if (instruments === undefined) {
    instruments = {
      runsStarted: meter.createCounter('stepflow.runs.started', {
        description: 'Runs started, nested runs included',
      }),
      runsCompleted: meter.createCounter('stepflow.runs.completed', {
        description: 'Runs finished, by outcome',
      }),
      stepDuration: meter.createHistogram('stepflow.step.duration', {
        description: 'Time from the first attempt of a step to its result',
        unit: 'ms',
      }),
      stepsInFlight: meter.createUpDownCounter('stepflow.steps.in_flight', {
        description: 'Steps dispatched to a component and not yet finished',
      }),
      serverRestarts: meter.createCounter('stepflow.component_server.restarts', {
        description: 'Component servers started again after they stopped',
      }),
    };
    byMeter.set(meter, instruments);
  }
  return instruments;
}
