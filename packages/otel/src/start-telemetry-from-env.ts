import type { MetricReader, PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  telemetryRequested,
  type TelemetryEnv,
  type TelemetryRequest,
} from './telemetry-requested.ts';

/** Options of `startTelemetryFromEnv`. */
export interface TelemetryOptions extends TelemetryRequest {
  /** `service.name` when `OTEL_SERVICE_NAME` is not set; default `stepflow`. */
  readonly serviceName?: string;
  /** Where to report a setting that cannot be honoured (e.g. `grpc`); default: nowhere. */
  readonly warn?: (message: string) => void;
}

/** Flushes what was recorded and stops exporting; safe to call more than once. */
export type TelemetryShutdown = () => Promise<void>;

type Signal = 'traces' | 'metrics';

/** `http/json` or `http/protobuf` for a signal; `grpc` (not shipped) falls back to protobuf. */
function protocolOf(env: TelemetryEnv, signal: Signal, warn: (message: string) => void): string {
  const protocol = (
    env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_PROTOCOL`] ??
    env.OTEL_EXPORTER_OTLP_PROTOCOL ??
    'http/protobuf'
  ).trim();
  if (protocol === 'http/json' || protocol === 'http/protobuf') return protocol;
  warn(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported; using http/protobuf`);
  return 'http/protobuf';
}

/** The exporters named for a signal: `otlp` by default, `none` for none. */
function exportersOf(env: TelemetryEnv, signal: Signal): string[] {
  const named = env[`OTEL_${signal.toUpperCase()}_EXPORTER`];
  if (named === undefined || named.trim() === '') return ['otlp'];
  return named
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '' && name !== 'none');
}

/** `--otlp-endpoint` as the per-signal URL; otherwise the exporters read `OTEL_*` themselves. */
function urlOf(request: TelemetryRequest, signal: Signal): { url: string } | Record<never, never> {
  if (request.otlpEndpoint === undefined || request.otlpEndpoint.trim() === '') return {};
  return { url: `${request.otlpEndpoint.replace(/\/+$/, '')}/v1/${signal}` };
}

async function spanExporters(
  options: TelemetryOptions,
  env: TelemetryEnv,
  warn: (m: string) => void,
): Promise<SpanExporter[]> {
  const exporters: SpanExporter[] = [];
  for (const name of exportersOf(env, 'traces')) {
    if (name === 'otlp') {
      const config = urlOf(options, 'traces');
      exporters.push(
        protocolOf(env, 'traces', warn) === 'http/json'
          ? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter(config)
          : new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter(
              config,
            ),
      );
    } else if (name === 'console') {
      exporters.push(new (await import('@opentelemetry/sdk-trace-base')).ConsoleSpanExporter());
    } else {
      warn(`OTEL_TRACES_EXPORTER=${name} is not supported; use otlp, console or none`);
    }
  }
  return exporters;
}

async function metricReaders(
  options: TelemetryOptions,
  env: TelemetryEnv,
  warn: (m: string) => void,
): Promise<MetricReader[]> {
  const { PeriodicExportingMetricReader, ConsoleMetricExporter } =
    await import('@opentelemetry/sdk-metrics');
  const readers: MetricReader[] = [];
  for (const name of exportersOf(env, 'metrics')) {
    let exporter: PushMetricExporter;
    if (name === 'otlp') {
      const config = urlOf(options, 'metrics');
      exporter =
        protocolOf(env, 'metrics', warn) === 'http/json'
          ? new (await import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter(
              config,
            )
          : new (await import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter(
              config,
            );
    } else if (name === 'console') {
      exporter = new ConsoleMetricExporter();
    } else {
      warn(`OTEL_METRICS_EXPORTER=${name} is not supported; use otlp, console or none`);
      continue;
    }
    readers.push(new PeriodicExportingMetricReader({ exporter }));
  }
  return readers;
}

/**
 * Installs an OpenTelemetry tracer provider (with the async context manager and W3C propagation)
 * and meter provider that export over OTLP/HTTP as the standard `OTEL_*` variables say
 * (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_{TRACES,METRICS}_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_PROTOCOL` `http/protobuf` or `http/json`, `OTEL_SERVICE_NAME`,
 * `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_EXPORTER`, `OTEL_METRICS_EXPORTER`, headers, …), or
 * to `otlpEndpoint`. Does nothing when export is not asked for (see `telemetryRequested`). The
 * SDK is loaded only here. Resolves the function that flushes and stops it: call it before the
 * process exits, or spans still buffered are lost.
 */
export async function startTelemetryFromEnv(
  options: TelemetryOptions = {},
): Promise<TelemetryShutdown> {
  const env = options.env ?? process.env;
  if (!telemetryRequested(options)) return () => Promise.resolve();
  const warn = options.warn ?? (() => undefined);
  const [{ NodeTracerProvider, BatchSpanProcessor }, { MeterProvider }, resources, { metrics }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/sdk-metrics'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/api'),
    ]);
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || options.serviceName || 'stepflow';
  const resource = resources
    .resourceFromAttributes({ 'service.name': serviceName })
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const tracerProvider = new NodeTracerProvider({
    resource,
    spanProcessors: (await spanExporters(options, env, warn)).map(
      (exporter) => new BatchSpanProcessor(exporter),
    ),
  });
  tracerProvider.register();
  const readers = await metricReaders(options, env, warn);
  const meterProvider = readers.length > 0 ? new MeterProvider({ resource, readers }) : undefined;
  if (meterProvider) metrics.setGlobalMeterProvider(meterProvider);
  let stopped: Promise<void> | undefined;
  return () =>
    (stopped ??= Promise.allSettled([tracerProvider.shutdown(), meterProvider?.shutdown()]).then(
      () => undefined,
    ));
}
