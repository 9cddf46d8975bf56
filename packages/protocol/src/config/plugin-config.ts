import { z } from 'zod';
import { EnvMapSchema } from '../internal/env-map.ts';
import { JsonSchemaObjectSchema } from '../json-value.ts';
import { FlowResultSchema } from '../wire/flow-result.ts';

/** Options every plugin accepts. */
const commonPluginFields = {
  /** Maximum component executions in flight on this plugin (default: unlimited). */
  maxConcurrency: z.int().min(1).optional(),
};

/** Options every `type: stepflow` plugin accepts, whatever its transport. */
const componentServerFields = {
  /**
   * Bound of each `components/execute` request in milliseconds: a server that does not answer
   * in time fails the step (a step's own `timeoutMs` still applies). Default: none, as the
   * reference.
   */
  defaultTimeoutMs: z.int().min(1).optional(),
};

/** Schema for the builtin plugin (`/eval`, `/map`, `/put_blob`, …). */
export const BuiltinPluginConfigSchema = z.looseObject({
  type: z.literal('builtin'),
  ...commonPluginFields,
});

/** The builtin plugin's config. */
export type BuiltinPluginConfig = z.infer<typeof BuiltinPluginConfigSchema>;

/**
 * Schema for a component server spawned as a child process speaking the protocol over stdio.
 * `${VAR}`, `${VAR:-default}` and `${VAR:default}` are substituted in `command`, `args` and `env`.
 */
export const StdioPluginConfigSchema = z.looseObject({
  type: z.literal('stepflow'),
  transport: z.literal('stdio'),
  /** Executable to run (looked up on `PATH`, relative to the working directory). */
  command: z.string(),
  /** Arguments, passed without a shell. */
  args: z.array(z.string()).default([]),
  /** Environment variables added to the child's environment. */
  env: EnvMapSchema.default({}),
  /**
   * `true` passes the whole parent environment, a list passes those names; by default the child
   * only gets `PATH`, `HOME`, `USER`, `LANG`, `LC_*`, `TMPDIR`, `TZ` plus `env`.
   */
  inheritEnv: z.union([z.boolean(), z.array(z.string())]).default(false),
  /** Working directory of the child (relative to the config's working directory). */
  cwd: z.string().optional(),
  ...componentServerFields,
  ...commonPluginFields,
});

/** Config of a stdio component server. */
export type StdioPluginConfig = z.infer<typeof StdioPluginConfigSchema>;

/** Schema for a component server reached over streamable HTTP (POST to `url`). */
export const HttpPluginConfigSchema = z.looseObject({
  type: z.literal('stepflow'),
  transport: z.literal('http'),
  /** The URL every message is POSTed to. */
  url: z.string(),
  /** Extra request headers (e.g. authorization); values are never logged. */
  headers: EnvMapSchema.default({}),
  /** Per-request timeout in milliseconds (absent: the transport's default). */
  timeoutMs: z.int().min(1).optional(),
  ...componentServerFields,
  ...commonPluginFields,
});

/** Config of an HTTP component server. */
export type HttpPluginConfig = z.infer<typeof HttpPluginConfigSchema>;

/** Schema for a component server reached over WebSocket (extension; one message per text frame). */
export const WebSocketPluginConfigSchema = z.looseObject({
  type: z.literal('stepflow'),
  transport: z.literal('websocket'),
  /** A `ws://` or `wss://` URL. */
  url: z.string(),
  /** Extra handshake headers. */
  headers: EnvMapSchema.default({}),
  ...componentServerFields,
  ...commonPluginFields,
});

/** Config of a WebSocket component server. */
export type WebSocketPluginConfig = z.infer<typeof WebSocketPluginConfigSchema>;

/** Schema for a Stepflow component server, tagged by `transport`. */
export const StepflowPluginConfigSchema = z.discriminatedUnion('transport', [
  StdioPluginConfigSchema,
  HttpPluginConfigSchema,
  WebSocketPluginConfigSchema,
]);

/** Config of a Stepflow component server. */
export type StepflowPluginConfig = z.infer<typeof StepflowPluginConfigSchema>;

/** How an MCP plugin returns a tool's result as the step's output. */
export const McpToolOutputSchema = z.enum(['content', 'structured', 'text']);

/** How an MCP plugin returns a tool's result: `content` array, `structuredContent`, or the text. */
export type McpToolOutput = z.infer<typeof McpToolOutputSchema>;

/** Options every `type: mcp` plugin accepts, whatever its transport. */
const mcpFields = {
  /**
   * What a step gets from a tool call: the result's `content` array (default, as the reference),
   * its `structuredContent`, or the text of its single text item.
   */
  output: McpToolOutputSchema.default('content'),
  /** `output` per tool name, overriding the plugin's. */
  toolOutput: z.record(z.string(), McpToolOutputSchema).default({}),
  /**
   * Bound of each tool call in milliseconds without a progress notification (each one restarts
   * the clock). Default 60 000.
   */
  timeoutMs: z.int().min(1).optional(),
  /** How long the server may take to answer `initialize`, in milliseconds. Default 30 000. */
  initializeTimeoutMs: z.int().min(1).optional(),
};

/**
 * Schema for an MCP server spawned as a child process over stdio (`transport` absent or `stdio`).
 * The child inherits the runtime's environment plus `env`, as in the reference.
 */
export const McpStdioPluginConfigSchema = z.looseObject({
  type: z.literal('mcp'),
  transport: z.literal('stdio').optional(),
  /** Executable to run. */
  command: z.string(),
  /** Arguments, passed without a shell. */
  args: z.array(z.string()).default([]),
  /** Environment variables added to the inherited environment. */
  env: EnvMapSchema.default({}),
  /**
   * The runtime's environment the child inherits: all of it by default (`true`, as the
   * reference), or only `PATH`, `HOME`, `USER`, `LANG`, `LC_*`, `TMPDIR`, `TZ` (`false`) plus
   * the listed names.
   */
  inheritEnv: z.union([z.boolean(), z.array(z.string())]).optional(),
  /** Working directory of the child. */
  cwd: z.string().optional(),
  ...mcpFields,
  ...commonPluginFields,
});

/** Config of an MCP server over stdio. */
export type McpStdioPluginConfig = z.infer<typeof McpStdioPluginConfigSchema>;

/** Schema for an MCP server reached over streamable HTTP. */
export const McpHttpPluginConfigSchema = z.looseObject({
  type: z.literal('mcp'),
  transport: z.literal('http'),
  /** The server's MCP endpoint, e.g. `http://127.0.0.1:3001/mcp`. */
  url: z.string(),
  /** Extra request headers (e.g. authorization); values are never logged. */
  headers: EnvMapSchema.default({}),
  ...mcpFields,
  ...commonPluginFields,
});

/** Config of an MCP server over streamable HTTP. */
export type McpHttpPluginConfig = z.infer<typeof McpHttpPluginConfigSchema>;

/** Schema for an MCP server whose tools become components, tagged by `transport` (default stdio). */
export const McpPluginConfigSchema = z.discriminatedUnion('transport', [
  McpStdioPluginConfigSchema,
  McpHttpPluginConfigSchema,
]);

/** Config of an MCP plugin. */
export type McpPluginConfig = z.infer<typeof McpPluginConfigSchema>;

/**
 * Schema for what a mock component does for one input: return a FlowResult, or fail with an
 * infrastructure error (`{error: message}`).
 */
export const MockBehaviorSchema = z.union([FlowResultSchema, z.looseObject({ error: z.string() })]);

/** What a mock component does for one input. */
export type MockBehavior = z.infer<typeof MockBehaviorSchema>;

/**
 * Schema for one mock component. `behaviors` maps an exact input to a behaviour: as an object the
 * keys are the compact JSON text of the input; a `Map` (YAML complex keys) is accepted as is.
 * The schema keys are snake_case, as in the reference.
 */
export const MockComponentConfigSchema = z.looseObject({
  /** Input schema reported by `components/list`. */
  input_schema: JsonSchemaObjectSchema.nullish(),
  /** Output schema reported by `components/list`. */
  output_schema: JsonSchemaObjectSchema.nullish(),
  /** Behaviour per exact input. */
  behaviors: z
    .union([z.record(z.string(), MockBehaviorSchema), z.map(z.unknown(), MockBehaviorSchema)])
    .default({}),
});

/** One mock component. */
export type MockComponentConfig = z.infer<typeof MockComponentConfigSchema>;

/** Schema for the mock plugin: canned results per component (post-routing name) and input. */
export const MockPluginConfigSchema = z.looseObject({
  type: z.literal('mock'),
  /** Components by post-routing name, e.g. `/one_output`. */
  components: z.record(z.string(), MockComponentConfigSchema).default({}),
  ...commonPluginFields,
});

/** Config of the mock plugin. */
export type MockPluginConfig = z.infer<typeof MockPluginConfigSchema>;

/** Schema for one plugin, tagged by `type` (`builtin`, `stepflow`, `mcp`, `mock`). */
export const PluginConfigSchema = z.discriminatedUnion('type', [
  BuiltinPluginConfigSchema,
  StepflowPluginConfigSchema,
  McpPluginConfigSchema,
  MockPluginConfigSchema,
]);

/** One plugin's config. */
export type PluginConfig = z.infer<typeof PluginConfigSchema>;
