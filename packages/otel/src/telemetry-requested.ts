/** Environment variables as `process.env` has them. */
export type TelemetryEnv = Readonly<Record<string, string | undefined>>;

/** Options of `telemetryRequested` and `startTelemetryFromEnv`. */
export interface TelemetryRequest {
  /** The environment to read `OTEL_*` variables from; default `process.env`. */
  readonly env?: TelemetryEnv;
  /** OTLP/HTTP base URL given on the command line (`--otlp-endpoint`); wins over the environment. */
  readonly otlpEndpoint?: string;
}

function set(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

function exporterNamed(value: string | undefined): boolean {
  return set(value) && value!.split(',').some((name) => name.trim() !== 'none');
}

/**
 * Whether export is asked for: an OTLP endpoint (`--otlp-endpoint`, `OTEL_EXPORTER_OTLP_ENDPOINT`
 * or a per-signal `OTEL_EXPORTER_OTLP_{TRACES,METRICS}_ENDPOINT`) or an exporter named in
 * `OTEL_TRACES_EXPORTER` / `OTEL_METRICS_EXPORTER` (other than `none`), unless
 * `OTEL_SDK_DISABLED=true`. Cheap and free of SDK imports: callers check it before loading the
 * SDK.
 */
export function telemetryRequested(request: TelemetryRequest = {}): boolean {
  const env = request.env ?? process.env;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return (
    set(request.otlpEndpoint) ||
    set(env.OTEL_EXPORTER_OTLP_ENDPOINT) ||
    set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ||
    set(env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT) ||
    exporterNamed(env.OTEL_TRACES_EXPORTER) ||
    exporterNamed(env.OTEL_METRICS_EXPORTER)
  );
}
