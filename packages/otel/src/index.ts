export {
  startTelemetryFromEnv,
  type TelemetryOptions,
  type TelemetryShutdown,
} from './start-telemetry-from-env.ts';
export {
  telemetryRequested,
  type TelemetryEnv,
  type TelemetryRequest,
} from './telemetry-requested.ts';
