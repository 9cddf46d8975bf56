import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { Ajv } from 'ajv';
import { validate as checkDraft07Schema } from './generated/draft-07-meta-validator.js';
import { validate as checkDraft2020Schema } from './generated/draft-2020-meta-validator.js';

// Schemas are checked against their meta-schema with validators generated ahead of time
// (`scripts/meta-validator-sources.ts`): ajv compiling a meta-schema itself takes longer than
// the rest of a short run. The instances are built on first use, one per draft.
const options = {
  strict: false,
  allErrors: true,
  validateSchema: false,
  addUsedSchema: false,
  logger: false,
} as const;
let draft2020: Ajv2020 | undefined;
let draft07: Ajv | undefined;

const cache = new WeakMap<object, { validate?: ValidateFunction; problem?: string }>();

/**
 * Compiles a JSON Schema with ajv (draft 2020-12, or draft-07 when `$schema` says so). Returns the
 * validator, or the reason the schema is unusable. Cached per schema object.
 */
export function compileJsonSchema(schema: unknown): {
  validate?: ValidateFunction;
  problem?: string;
} {
  if (typeof schema === 'boolean')
    return { validate: (draft2020 ??= new Ajv2020(options)).compile(schema) };
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return { problem: 'a schema must be an object or a boolean' };
  }
  const cached = cache.get(schema);
  if (cached) return cached;
  let entry: { validate?: ValidateFunction; problem?: string };
  try {
    const declared = (schema as { $schema?: unknown }).$schema;
    const isDraft07 = typeof declared === 'string' && declared.includes('draft-07');
    const ajv = isDraft07 ? (draft07 ??= new Ajv(options)) : (draft2020 ??= new Ajv2020(options));
    const check = isDraft07 ? checkDraft07Schema : checkDraft2020Schema;
    // The message ajv gives when it checks the schema itself (`validateSchema: true`).
    entry = check(schema)
      ? { validate: ajv.compile(schema) }
      : { problem: `schema is invalid: ${ajv.errorsText(check.errors)}` };
  } catch (error) {
    entry = { problem: (error as Error).message };
  }
  cache.set(schema, entry);
  return entry;
}
