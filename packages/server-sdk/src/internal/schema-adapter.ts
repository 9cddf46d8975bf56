import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import * as z from 'zod';
import type {
  ComponentSchema,
  JsonSchema,
  StandardSchemaLike,
  ValidationIssue,
} from '../component-schema.ts';

/** The outcome of validating one value. */
export type ValidationOutcome =
  { ok: true; value: unknown } | { ok: false; issues: ValidationIssue[] };

/** A compiled schema: its JSON Schema (for `components/info`) and a validator. */
export interface CompiledSchema {
  readonly jsonSchema: JsonSchema | undefined;
  /** Validates a value; synchronous unless the schema has async refinements. */
  validate(value: unknown): ValidationOutcome | Promise<ValidationOutcome>;
}

// ajv-formats is CommonJS: the default import is `module.exports`, which carries the plugin as `.default`.
const addFormats = addFormatsModule.default;

let draft07: Ajv | undefined;
let draft2020: Ajv2020 | undefined;

function ajvFor(schema: JsonSchema): Ajv | Ajv2020 {
  const declared = typeof schema === 'object' ? schema.$schema : undefined;
  if (typeof declared === 'string' && /20(19-09|20-12)/.test(declared)) {
    if (!draft2020) {
      draft2020 = new Ajv2020({ strict: false, allErrors: true });
      addFormats(draft2020);
    }
    return draft2020;
  }
  if (!draft07) {
    draft07 = new Ajv({ strict: false, allErrors: true });
    addFormats(draft07);
  }
  return draft07;
}

/** Whether `schema` implements Standard Schema v1. */
export function isStandardSchema(schema: unknown): schema is StandardSchemaLike {
  return typeof schema === 'object' && schema !== null && '~standard' in schema;
}

function isZodSchema(schema: unknown): schema is z.ZodType {
  return isStandardSchema(schema) && schema['~standard'].vendor === 'zod';
}

/**
 * Compiles a component schema once. `io` picks which side of a zod transform is described:
 * the input side for `input` schemas, the output side for `output` schemas.
 *
 * @throws Error naming `where` when a JSON Schema does not compile.
 */
export function compileSchema(
  schema: ComponentSchema | undefined,
  io: 'input' | 'output',
  where: string,
): CompiledSchema {
  if (schema === undefined) {
    return { jsonSchema: undefined, validate: (value) => ({ ok: true, value }) };
  }
  if (isStandardSchema(schema)) {
    const jsonSchema = isZodSchema(schema)
      ? (z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema)
      : undefined;
    const standard = schema['~standard'];
    return {
      jsonSchema,
      validate(value) {
        const result = standard.validate(value);
        return result instanceof Promise ? result.then(fromStandard) : fromStandard(result);
      },
    };
  }
  if (
    typeof schema !== 'boolean' &&
    (typeof schema !== 'object' || schema === null || Array.isArray(schema))
  ) {
    throw new TypeError(
      `${where}: a schema must be a zod schema, a Standard Schema or a JSON Schema object`,
    );
  }
  const validate = compileJsonSchema(schema, where);
  return { jsonSchema: schema, validate };
}

/**
 * Compiles a plain JSON Schema into a validator listing every issue.
 *
 * @throws Error naming `where` when the schema is invalid.
 */
export function compileJsonSchema(
  schema: JsonSchema,
  where: string,
): (value: unknown) => ValidationOutcome {
  let check: ValidateFunction;
  try {
    check = ajvFor(schema).compile(schema);
  } catch (error) {
    throw new Error(
      `${where}: invalid JSON Schema: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  return (value) =>
    check(value) ? { ok: true, value } : { ok: false, issues: (check.errors ?? []).map(fromAjv) };
}

function fromStandard(
  result: Awaited<ReturnType<StandardSchemaLike['~standard']['validate']>>,
): ValidationOutcome {
  if (!result.issues) return { ok: true, value: result.value };
  return {
    ok: false,
    issues: result.issues.map((issue) => ({
      path: (issue.path ?? []).map((segment) => {
        const key = typeof segment === 'object' ? segment.key : segment;
        return typeof key === 'number' ? key : String(key);
      }),
      message: issue.message,
    })),
  };
}

function fromAjv(error: ErrorObject): ValidationIssue {
  const path: Array<string | number> = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => {
      const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
      return /^(0|[1-9]\d*)$/.test(key) ? Number(key) : key;
    });
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    path.push(params.missingProperty);
    return { path, message: 'is required' };
  }
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    path.push(params.additionalProperty);
    return { path, message: 'is not allowed (additional property)' };
  }
  return { path, message: error.message ?? `fails ${error.keyword}` };
}

/** Renders issues as one line for an error message: `text: expected string; count: is required`. */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues
    .map((issue) => `${issue.path.length ? formatPath(issue.path) : '(root)'}: ${issue.message}`)
    .join('; ');
}

function formatPath(path: ReadonlyArray<string | number>): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}
