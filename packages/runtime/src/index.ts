// Public API of @stepflow/runtime: every export is listed here by name.
export type { Clock, IdGenerator, RandomSource } from './clock.ts';
export { systemClock } from './clock.ts';
export type { Logger, LogFields } from './logger.ts';
export { silentLogger } from './logger.ts';
export type { Diagnostic, DiagnosticLevel } from './validation/diagnostic.ts';
export type {
  ComponentExecution,
  ExecutionContext,
  ListedComponent,
  Plugin,
  PluginFactory,
  PluginFactoryArgs,
} from './plugins/plugin.ts';
export type { EvaluateFlowOutcome, RuntimeServices } from './services/runtime-services.ts';
export type {
  RunCompletedEvent,
  RunEvent,
  RunStartedEvent,
  StepCompletedEvent,
  StepRetryingEvent,
  StepStartedEvent,
} from './scheduler/run-event.ts';
export type { RunOutcome, RunRequest, Runtime, RuntimeOptions } from './runtime-types.ts';
export { ComponentError } from './errors/component-error.ts';
export { ComponentUnavailableError } from './errors/component-unavailable-error.ts';
export { ConfigError } from './errors/config-error.ts';
export { FlowLoadError } from './errors/flow-load-error.ts';
export { FlowValidationError } from './errors/flow-validation-error.ts';
export type { InputViolation } from './errors/input-validation-error.ts';
export { InputValidationError } from './errors/input-validation-error.ts';
export { RuntimeServiceError } from './errors/runtime-service-error.ts';
export type { LoadedFlow } from './loading/loaded-flow.ts';
export type { LoadConfigOptions, LoadedConfig } from './config/loaded-config.ts';
