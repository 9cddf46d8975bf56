// Public API of @stepflow/server-sdk: every export is listed here by name. The network servers
// are the `./http` and `./websocket` entries, so this one loads no network transport.
export { createComponentServer, normalizeComponentName } from './component-server.ts';
export type {
  ComponentServer,
  ComponentServerOptions,
  ComponentDefinition,
  ComponentHandler,
  RegisteredComponent,
} from './component-server.ts';
export type { ServerConnection, ConnectOptions, ShutdownOptions } from './server-connection.ts';
export type { UdfOptions } from './udf-options.ts';
export type {
  ComponentContext,
  ComponentLog,
  ComponentLogLevel,
  FlowOrId,
  BatchOptions,
  GetBatchOptions,
} from './component-context.ts';
export type {
  ComponentSchema,
  JsonSchema,
  StandardSchemaLike,
  StandardResult,
  InferInput,
  InferOutput,
  ValidationIssue,
} from './component-schema.ts';
export { ComponentError } from './component-error.ts';
export { FlowSkippedError } from './flow-skipped-error.ts';
export { FlowFailedError } from './flow-failed-error.ts';
export { RuntimeRequestError } from './runtime-request-error.ts';
export { serveStdio } from './serve-stdio.ts';
export type { ServeStdioOptions, StdioServerHandle } from './serve-stdio.ts';
export { createFlowBuilder, literal } from './flow-builder.ts';
export type {
  FlowBuilder,
  FlowBuilderOptions,
  StepHandle,
  StepOptions,
  Reference,
  ReferenceOptions,
  ReferenceSource,
  Literal,
  OnSkip,
} from './flow-builder.ts';
