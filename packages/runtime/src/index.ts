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
  RunResumedEvent,
  RunStartedEvent,
  StepAnsweredEvent,
  StepCompletedEvent,
  StepPausedEvent,
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
export { RunConflictError } from './errors/run-conflict-error.ts';
export { RunSuspendedError } from './errors/run-suspended-error.ts';
export type { AnswerErrorCode } from './errors/answer-error.ts';
export { AnswerError } from './errors/answer-error.ts';
export type {
  AnswerOptions,
  AnswerReceipt,
  ListQuestionsOptions,
  OpenQuestion,
} from './pauses/open-question.ts';
export { answerSchemaProblem } from './pauses/pause-input.ts';
export type { RunJournalStore } from './journal/run-journal-store.ts';
export type { LeaseFence, StateStoreJournalOptions } from './journal/state-store-journal.ts';
export { createStateStoreJournal } from './journal/state-store-journal.ts';
export type {
  RunState,
  RunStatus,
  StepPause,
  StepState,
  StepStatus,
} from './run-state/run-state.ts';
export {
  foldRunEvents,
  reduceRunEvent,
  RunStateError,
  statusOfResult,
} from './run-state/reduce-run-event.ts';
export { stepStatuses } from './run-state/step-statuses.ts';
export type { FlowPlan, StepPlan } from './scheduler/flow-plan.ts';
export { planFlow } from './scheduler/flow-plan.ts';
export type { StepGate } from './scheduler/step-gate.ts';
export type { LoadedFlow } from './loading/loaded-flow.ts';
export type { LoadConfigOptions, LoadedConfig } from './config/loaded-config.ts';
export { createRuntime, DEFAULT_MAX_DEPTH } from './create-runtime.ts';
export { MAX_VALUE_DEPTH } from './internal/value-depth.ts';
export { isSecretKey, REDACTED, redactSecrets } from './internal/redact-secrets.ts';
export { DEFAULT_MAX_BLOB_BYTES } from './services/blob-size.ts';
export { loadFlowFile } from './loading/load-flow-file.ts';
export type { ParseFlowTextOptions } from './loading/parse-flow-text.ts';
export { flowFromDocument, parseFlowText } from './loading/parse-flow-text.ts';
export type { DocumentErrorCode } from './errors/document-error.ts';
export { DocumentError } from './errors/document-error.ts';
export {
  MAX_DOCUMENT_BYTES,
  MAX_DOCUMENT_DEPTH,
  MAX_YAML_ALIAS_COUNT,
} from './loading/document-limits.ts';
export type { DocumentFormat } from './loading/parse-document.ts';
export { formatOfFile, parseDocumentText } from './loading/parse-document.ts';
export { decodeDocumentBytes } from './loading/decode-document.ts';
export { readDocumentFile } from './loading/read-document-file.ts';
export { flowIdOf, serializeFlow } from './loading/flow-id.ts';
export type { ValidateFlowOptions } from './validation/validate-flow.ts';
export { validateFlow } from './validation/validate-flow.ts';
export { validateFlowInput } from './validation/validate-input.ts';
export {
  CONFIG_FILE_NAMES,
  discoverConfigFile,
  loadConfig,
  readConfigDocument,
} from './config/load-config.ts';
export type { ResolveConfigOptions } from './config/complete-config.ts';
export { resolveConfig } from './config/resolve-config.ts';
export { defaultConfig } from './config/default-config.ts';
export { substituteEnv } from './config/env-substitution.ts';
export type { PathSegment } from './expressions/json-path.ts';
export { formatPath, parsePath } from './expressions/json-path.ts';
export { isTruthy } from './expressions/truthiness.ts';
export type { BuiltinPluginOptions } from './plugins/builtin/builtin-plugin.ts';
export {
  builtinPluginFactory,
  createBuiltinPluginFactory,
} from './plugins/builtin/builtin-plugin.ts';
export { DEFAULT_OPENAI_MODEL } from './plugins/builtin/openai.ts';
export { LOAD_FILE_MAX_BYTES } from './plugins/builtin/load-file.ts';
export { mockPluginFactory } from './plugins/mock/mock-plugin.ts';
export type { RunJournal } from './scheduler/run-journal.ts';
export { createRunJournal } from './scheduler/run-journal.ts';
export { TRANSPORT_RETRY_BUDGET } from './scheduler/execute-run.ts';
export type {
  NetworkTransportConfig,
  StepflowTransportContext,
  StepflowTransportFactories,
} from './plugins/stepflow/stepflow-transports.ts';
export type { StepflowPluginFactoryOptions } from './plugins/stepflow/stepflow-plugin-options.ts';
export { DEFAULT_INITIALIZE_TIMEOUT_MS } from './plugins/stepflow/stepflow-plugin-options.ts';
export { createStepflowPluginFactory } from './plugins/stepflow/stepflow-plugin.ts';
export type { StdioLaunch } from './plugins/stepflow/stdio-launch.ts';
export { DEFAULT_INHERITED_ENV, resolveStdioLaunch } from './plugins/stepflow/stdio-launch.ts';
export type { RestartPolicy } from './plugins/stepflow/restart-policy.ts';
export { abortable } from './plugins/abortable.ts';
export { DEFAULT_RESTART_POLICY, restartDelay } from './plugins/stepflow/restart-policy.ts';
export { isPermanentSpawnFailure } from './plugins/stepflow/start-failure.ts';
export { ComponentServerDeadError } from './plugins/stepflow/component-server-dead-error.ts';
export type { FlowGraph, FlowGraphEdge, FlowGraphNode } from './flow-graph.ts';
export { buildFlowGraph, INPUT_NODE, OUTPUT_NODE, stepNode } from './flow-graph.ts';
