import type { Flow } from '@stepflow/protocol';

/** A JSON Schema as MCP wants a tool's: an object schema. */
export type ToolObjectSchema = { type: 'object' } & Record<string, unknown>;

/**
 * How a flow's input maps to tool arguments. MCP tool arguments are an object: a flow whose
 * input is something else (a string, an array) takes it as the argument `input`.
 */
export interface ToolInputShape {
  readonly schema: ToolObjectSchema;
  /** Whether the flow input is the argument `input` rather than the arguments themselves. */
  readonly wrapped: boolean;
}

/** How a flow's result maps to `structuredContent` (an object too: else `{ result }`). */
export interface ToolOutputShape {
  /** The tool's `outputSchema`; absent when the flow declares no output schema. */
  readonly schema?: ToolObjectSchema;
  /** Whether the result is given as `{ result }`. */
  readonly wrapped: boolean;
}

/** The tool's input shape for `flow`. */
export function toolInputShapeOf(flow: Flow): ToolInputShape {
  const schema = flow.inputSchema;
  if (schema === undefined || schema === null)
    return { schema: { type: 'object' }, wrapped: false };
  if (isObjectSchema(schema)) return { schema: schema as ToolObjectSchema, wrapped: false };
  return {
    schema: { type: 'object', properties: { input: schema }, required: ['input'] },
    wrapped: true,
  };
}

/** The tool's output shape for `flow`. */
export function toolOutputShapeOf(flow: Flow): ToolOutputShape {
  const schema = flow.outputSchema;
  if (schema === undefined || schema === null) return { wrapped: true };
  if (isObjectSchema(schema)) return { schema: schema as ToolObjectSchema, wrapped: false };
  return {
    schema: { type: 'object', properties: { result: schema }, required: ['result'] },
    wrapped: true,
  };
}

/** `structuredContent` for a flow's successful result. */
export function structuredContentOf(
  shape: ToolOutputShape,
  result: unknown,
): Record<string, unknown> {
  if (!shape.wrapped && isPlainObject(result)) return result;
  if (shape.schema === undefined && isPlainObject(result)) return result;
  return { result };
}

function isObjectSchema(schema: unknown): boolean {
  return isPlainObject(schema) && schema.type === 'object';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
