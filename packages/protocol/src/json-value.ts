import { z } from 'zod';

/** Any JSON value: what `JSON.parse` can return. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Schema for a JSON value of any shape (the spec's `Value` definition).
 *
 * Inside an object a field with this schema is still required (zod 4 only treats `.optional()`
 * fields as optional). Values are not walked: messages come from `JSON.parse`, and re-checking
 * large payloads would cost time for nothing. The inferred type is `unknown` so callers narrow
 * values before use.
 */
export const JsonValueSchema = z.unknown();

/**
 * Schema for a JSON Schema document embedded in a message or flow (the spec's `Schema`
 * definition): any JSON object.
 */
export const JsonSchemaObjectSchema = z.record(z.string(), z.unknown());

/** A JSON Schema document embedded in a message or flow. */
export type JsonSchemaObject = z.infer<typeof JsonSchemaObjectSchema>;
