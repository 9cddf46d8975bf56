// Public API of @stepflow/protocol: every export is listed here by name.

// JSON values
export { JsonSchemaObjectSchema, JsonValueSchema } from './json-value.ts';
export type { JsonSchemaObject, JsonValue } from './json-value.ts';

// Wire: observability and blob ids
export { BlobIdSchema, ObservabilityContextSchema } from './wire/observability.ts';
export type { BlobId, ObservabilityContext } from './wire/observability.ts';

// Wire: FlowResult
export {
  FlowErrorSchema,
  FlowResultFailedSchema,
  FlowResultSchema,
  FlowResultSkippedSchema,
  FlowResultSuccessSchema,
} from './wire/flow-result.ts';
export type {
  FlowError,
  FlowOutcome,
  FlowResult,
  FlowResultFailed,
  FlowResultSkipped,
  FlowResultSuccess,
} from './wire/flow-result.ts';

// Wire: handshake
export {
  InitializedParamsSchema,
  InitializeParamsSchema,
  InitializeResultSchema,
} from './wire/initialize.ts';
export type { InitializedParams, InitializeParams, InitializeResult } from './wire/initialize.ts';

// Wire: components
export {
  ComponentExecuteParamsSchema,
  ComponentExecuteResultSchema,
  ComponentInfoParamsSchema,
  ComponentInfoResultSchema,
  ComponentInfoSchema,
  ComponentListParamsSchema,
  ComponentNameSchema,
  ListComponentsResultSchema,
} from './wire/components.ts';
export type {
  ComponentExecuteParams,
  ComponentExecuteResult,
  ComponentInfo,
  ComponentInfoParams,
  ComponentInfoResult,
  ComponentListParams,
  ListComponentsResult,
} from './wire/components.ts';

// Wire: blobs
export {
  BlobTypeSchema,
  GetBlobParamsSchema,
  GetBlobResultSchema,
  PutBlobParamsSchema,
  PutBlobResultSchema,
} from './wire/blobs.ts';
export type {
  BlobType,
  GetBlobParams,
  GetBlobResult,
  PutBlobParams,
  PutBlobResult,
} from './wire/blobs.ts';

// Wire: flows and batches
export {
  EvaluateFlowParamsSchema,
  EvaluateFlowResultSchema,
  GetFlowMetadataParamsSchema,
  GetFlowMetadataResultSchema,
} from './wire/flows.ts';
export type {
  EvaluateFlowParams,
  EvaluateFlowResult,
  GetFlowMetadataParams,
  GetFlowMetadataResult,
} from './wire/flows.ts';
export {
  BatchDetailsSchema,
  BatchOutputInfoSchema,
  GetBatchParamsSchema,
  GetBatchResultSchema,
  SubmitBatchParamsSchema,
  SubmitBatchResultSchema,
} from './wire/batches.ts';
export type {
  BatchDetails,
  BatchOutputInfo,
  GetBatchParams,
  GetBatchResult,
  SubmitBatchParams,
  SubmitBatchResult,
} from './wire/batches.ts';

// Runs: journal events and statuses
export {
  AttemptErrorSchema,
  RunCompletedEventSchema,
  RunEventSchema,
  RunResumedEventSchema,
  RunStartedEventSchema,
  StepAnsweredEventSchema,
  StepCompletedEventSchema,
  StepPausedEventSchema,
  StepRetryingEventSchema,
  StepStartedEventSchema,
} from './run/run-event.ts';
export type {
  RunCompletedEvent,
  RunEvent,
  RunEventType,
  RunResumedEvent,
  RunStartedEvent,
  StepAnsweredEvent,
  StepCompletedEvent,
  StepPausedEvent,
  StepRetryingEvent,
  StepStartedEvent,
} from './run/run-event.ts';
export {
  isTerminalRunStatus,
  RunStatusSchema,
  StepStatusSchema,
  TERMINAL_RUN_STATUSES,
} from './run/run-status.ts';
export type { RunStatus, StepStatus } from './run/run-status.ts';

// Methods and error codes
export { isMethodName, methodNames, methods } from './methods.ts';
export type {
  MethodName,
  RuntimeToServerMethods,
  ServerToRuntimeMethods,
  StepflowMethods,
} from './methods.ts';
export type {
  MethodDefinition,
  MethodDirection,
  MethodKind,
  NotificationMethodDefinition,
  RequestMethodDefinition,
} from './method-definition.ts';
export { ErrorCodes } from './error-codes.ts';
export type { ErrorCode } from './error-codes.ts';

// Flow document
export { FlowSchema } from './flow/flow.ts';
export { FLOW_SCHEMA_URL, PROTOCOL_VERSION } from './constants.ts';
export type { Flow } from './flow/flow.ts';
export type { TypedFlow } from './flow/typed-flow.ts';
export { StepSchema } from './flow/step.ts';
export type { Step } from './flow/step.ts';
export {
  BaseRefSchema,
  EscapedLiteralSchema,
  ExprSchema,
  isEscapedLiteral,
  isReference,
  ReferenceSchema,
  ValueTemplateSchema,
} from './flow/value-template.ts';
export type {
  BaseRef,
  EscapedLiteral,
  Expr,
  Reference,
  ValueTemplate,
} from './flow/value-template.ts';
export { OnSkipDefaultSchema, OnSkipSkipSchema, SkipActionSchema } from './flow/skip-action.ts';
export type { SkipAction } from './flow/skip-action.ts';
export {
  ErrorActionSchema,
  OnErrorDefaultSchema,
  OnErrorFailSchema,
  OnErrorRetrySchema,
  OnErrorSkipSchema,
  RetryBackoffSchema,
} from './flow/error-action.ts';
export type { ErrorAction, RetryBackoff } from './flow/error-action.ts';
export {
  TestCaseSchema,
  TestConfigSchema,
  TestServerConfigSchema,
  TestServerHealthCheckSchema,
} from './flow/test-config.ts';
export type {
  TestCase,
  TestConfig,
  TestServerConfig,
  TestServerHealthCheck,
} from './flow/test-config.ts';
export { ExampleInputSchema } from './flow/example-input.ts';
export type { ExampleInput } from './flow/example-input.ts';
export { normalizeFlowAliases } from './flow/normalize-flow-aliases.ts';
export type { AliasUse, NormalizedAliases } from './alias-use.ts';

// Config file
export { StepflowConfigSchema } from './config/stepflow-config.ts';
export type { StepflowConfig } from './config/stepflow-config.ts';
export {
  BuiltinPluginConfigSchema,
  HttpPluginConfigSchema,
  McpHttpPluginConfigSchema,
  McpPluginConfigSchema,
  McpStdioPluginConfigSchema,
  McpToolOutputSchema,
  MockBehaviorSchema,
  MockComponentConfigSchema,
  MockPluginConfigSchema,
  PluginConfigSchema,
  StdioPluginConfigSchema,
  StepflowPluginConfigSchema,
  WebSocketPluginConfigSchema,
} from './config/plugin-config.ts';
export type {
  BuiltinPluginConfig,
  HttpPluginConfig,
  McpHttpPluginConfig,
  McpPluginConfig,
  McpStdioPluginConfig,
  McpToolOutput,
  MockBehavior,
  MockComponentConfig,
  MockPluginConfig,
  PluginConfig,
  StdioPluginConfig,
  StepflowPluginConfig,
  WebSocketPluginConfig,
} from './config/plugin-config.ts';
export { RouteConditionSchema, RouteRuleSchema } from './config/route-rule.ts';
export type { RouteCondition, RouteRule } from './config/route-rule.ts';
export {
  InMemoryStateStoreConfigSchema,
  PostgresStateStoreConfigSchema,
  SqliteStateStoreConfigSchema,
  StateStoreConfigSchema,
} from './config/state-store-config.ts';
export type { StateStoreConfig } from './config/state-store-config.ts';
export { normalizeConfigAliases } from './config/normalize-config-aliases.ts';
