import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { Ajv } from 'ajv';

const draft2020 = new Ajv2020({
  strict: false,
  allErrors: true,
  validateSchema: true,
  addUsedSchema: false,
  logger: false,
});
const draft07 = new Ajv({
  strict: false,
  allErrors: true,
  validateSchema: true,
  addUsedSchema: false,
  logger: false,
});

const cache = new WeakMap<object, { validate?: ValidateFunction; problem?: string }>();

/**
 * Compiles a JSON Schema with ajv (draft 2020-12, or draft-07 when `$schema` says so). Returns the
 * validator, or the reason the schema is unusable. Cached per schema object.
 */
export function compileJsonSchema(schema: unknown): {
  validate?: ValidateFunction;
  problem?: string;
} {
  if (typeof schema === 'boolean') return { validate: draft2020.compile(schema) };
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return { problem: 'a schema must be an object or a boolean' };
  }
  const cached = cache.get(schema);
  if (cached) return cached;
  let entry: { validate?: ValidateFunction; problem?: string };
  try {
    const declared = (schema as { $schema?: unknown }).$schema;
    const ajv = typeof declared === 'string' && declared.includes('draft-07') ? draft07 : draft2020;
    entry = { validate: ajv.compile(schema) };
  } catch (error) {
    entry = { problem: (error as Error).message };
  }
  cache.set(schema, entry);
  return entry;
}
