import { describe, expect, it } from 'vitest';
import { telemetryRequested } from './telemetry-requested.ts';

describe('telemetryRequested', () => {
  it.each([
    [{}, undefined, false],
    [{ OTEL_SERVICE_NAME: 'x' }, undefined, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, undefined, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }, undefined, true],
    [{ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://127.0.0.1:4318/v1/metrics' }, undefined, true],
    [{ OTEL_TRACES_EXPORTER: 'console' }, undefined, true],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' }, undefined, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }, undefined, false],
    [{}, 'http://127.0.0.1:4318', true],
    [{ OTEL_SDK_DISABLED: 'true' }, 'http://127.0.0.1:4318', false],
  ] as const)('%j with --otlp-endpoint %s → %s', (env, otlpEndpoint, expected) => {
    expect(
      telemetryRequested({ env, ...(otlpEndpoint === undefined ? {} : { otlpEndpoint }) }),
    ).toBe(expected);
  });
});
