import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { Ajv } from 'ajv';
import { validate as checkDraft07Schema } from './generated/draft-07-meta-validator.js';
import { validate as checkDraft2020Schema } from './generated/draft-2020-meta-validator.js';

// Schemas are checked against their meta-schema with validators generated ahead of time
// (`scripts/meta-validator-sources.ts`): ajv compiling a meta-schema itself takes longer than
// the rest of a short run. The instances are built on first use, one per draft.
// The instances also leave out ajv's own copy of the meta-schemas (a few milliseconds of every
// start); the rare schema that `$ref`s a meta-schema is compiled again by one that has them.
const options = {
  strict: false,
  allErrors: true,
  validateSchema: false,
  addUsedSchema: false,
  logger: false,
} as const;
const lean = { ...options, meta: false } as const;
let draft2020: Ajv2020 | undefined;
let draft07: Ajv | undefined;
let draft2020WithMeta: Ajv2020 | undefined;
let draft07WithMeta: Ajv | undefined;

function referencesMetaSchema(error: unknown): boolean {
  const missing = (error as { missingSchema?: unknown }).missingSchema;
  return typeof missing === 'string' && /^https?:\/\/json-schema\.org\//.test(missing);
}

function compileWith(schema: object, isDraft07: boolean): ValidateFunction {
  try {
    return isDraft07
      ? (draft07 ??= new Ajv(lean)).compile(schema)
      : (draft2020 ??= new Ajv2020(lean)).compile(schema);
  } catch (error) {
    if (!referencesMetaSchema(error)) throw error;
    return isDraft07
      ? (draft07WithMeta ??= new Ajv(options)).compile(schema)
      : (draft2020WithMeta ??= new Ajv2020(options)).compile(schema);
  }
}

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
    return { validate: (draft2020 ??= new Ajv2020(lean)).compile(schema) };
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return { problem: 'a schema must be an object or a boolean' };
  }
  const cached = cache.get(schema);
  if (cached) return cached;
  let entry: { validate?: ValidateFunction; problem?: string };
  try {
    const declared = (schema as { $schema?: unknown }).$schema;
    const isDraft07 = typeof declared === 'string' && declared.includes('draft-07');
    const check = isDraft07 ? checkDraft07Schema : checkDraft2020Schema;
    // The message ajv gives when it checks the schema itself (`validateSchema: true`).
    entry = check(schema)
      ? { validate: compileWith(schema, isDraft07) }
      : {
          problem: `schema is invalid: ${(draft2020 ??= new Ajv2020(lean)).errorsText(check.errors)}`,
        };
  } catch (error) {
    entry = { problem: (error as Error).message };
  }
  cache.set(schema, entry);
  return entry;
}
