import vm from 'node:vm';
import { ErrorCodes } from '@stepflow/protocol';
import type { ComponentContext } from '../component-context.ts';
import { ComponentError } from '../component-error.ts';
import type { JsonSchema } from '../component-schema.ts';
import type { UdfOptions } from '../udf-options.ts';
import { compileJsonSchema, describeIssues, type ValidationOutcome } from './schema-adapter.ts';
import { UdfWorkerPool } from './udf-worker-pool.ts';

/** The input of `/udf`: which UDF blob to run, on what. */
export interface UdfInput {
  readonly blob_id: string;
  readonly input: unknown;
}

/** JSON Schema of the `/udf` input, as `components/info` reports it. */
export const UDF_INPUT_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    blob_id: { type: 'string', description: 'Blob id of a `{code, input_schema}` UDF definition' },
    input: { description: 'The value passed to the function as `input`' },
  },
  required: ['blob_id', 'input'],
};

/** The description `/udf` is listed with. */
export const UDF_DESCRIPTION =
  'Runs a JavaScript user-defined function stored in a blob {code, input_schema}: an expression over `input`, ' +
  'a function expression, or a function body with `return`. Not a security sandbox.';

/** A UDF blob checked in the main thread: its input check and the source a worker compiles. */
interface CompiledUdf {
  readonly validate: (value: unknown) => ValidationOutcome;
  readonly source: string;
  readonly filename: string;
}

/**
 * Creates the `/udf` handler. UDF blobs are checked and compiled once per blob id (a blob id
 * names immutable content, so a cache entry never goes stale; failed ones are not cached), then
 * run in a pool of worker threads with a time and a memory limit: a UDF that loops, however it
 * loops, has its worker terminated and the server carries on. This is isolation against
 * accidents, not a security boundary: UDF code can reach the host process.
 *
 * @throws RangeError when an option is not a positive integer.
 */
export function createUdfHandler(options: UdfOptions = {}) {
  const pool = new UdfWorkerPool({
    timeoutMs: positive(options.timeoutMs, 'udf.timeoutMs', 10_000),
    maxWorkers: positive(options.maxWorkers, 'udf.maxWorkers', 4),
    maxMemoryMb: positive(options.maxMemoryMb, 'udf.maxMemoryMb', 256),
  });
  const cache = new Map<string, Promise<CompiledUdf>>();

  const load = (blobId: string, context: ComponentContext): Promise<CompiledUdf> => {
    let entry = cache.get(blobId);
    if (!entry) {
      entry = context.getBlob(blobId).then((blob) => compileUdf(blob, blobId));
      cache.set(blobId, entry);
      entry.catch(() => cache.delete(blobId));
    }
    return entry;
  };

  return async (params: UdfInput, context: ComponentContext): Promise<unknown> => {
    const udf = await load(params.blob_id, context);
    const checked = udf.validate(params.input);
    if (!checked.ok) {
      throw new ComponentError(
        ErrorCodes.invalidParams,
        `UDF ${params.blob_id}: input does not match input_schema: ${describeIssues(checked.issues)}`,
        { blob_id: params.blob_id, issues: checked.issues },
      );
    }
    return pool.run({
      key: params.blob_id,
      label: params.blob_id,
      source: udf.source,
      filename: udf.filename,
      input: params.input,
      context,
    });
  };
}

function positive(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function compileUdf(blob: unknown, blobId: string): CompiledUdf {
  if (typeof blob !== 'object' || blob === null || Array.isArray(blob)) {
    throw new ComponentError(
      ErrorCodes.invalidParams,
      `UDF blob ${blobId} must be an object {code, input_schema}`,
      { blob_id: blobId },
    );
  }
  const { code, input_schema: inputSchema } = blob as { code?: unknown; input_schema?: unknown };
  if (typeof code !== 'string' || code.trim() === '') {
    throw new ComponentError(
      ErrorCodes.invalidParams,
      `UDF blob ${blobId}: 'code' must be a non-empty string`,
      { blob_id: blobId },
    );
  }
  let validate: CompiledUdf['validate'] = (value) => ({ ok: true, value });
  if (inputSchema !== undefined && inputSchema !== null) {
    if (
      typeof inputSchema !== 'boolean' &&
      (typeof inputSchema !== 'object' || Array.isArray(inputSchema))
    ) {
      throw new ComponentError(
        ErrorCodes.invalidParams,
        `UDF blob ${blobId}: 'input_schema' must be a JSON Schema object`,
        { blob_id: blobId },
      );
    }
    validate = compileJsonSchema(inputSchema as JsonSchema, `UDF blob ${blobId}: input_schema`);
  }

  const filename = `udf-${blobId.slice(0, 12)}.js`;
  // Expression forms are re-evaluated per call, so `input` is in scope; a function value is then called.
  const source = isExpression(code)
    ? `(function (input, context) { return (\n${code}\n); })`
    : `(${/\bawait\b/.test(code) ? 'async ' : ''}function (input, context) {\n${withEntryCall(code)}\n})`;
  try {
    // Compiling runs no user code; it reports syntax errors here, before any worker is involved.
    new vm.Script(source, { filename });
  } catch (error) {
    throw new Error(`UDF ${blobId} does not compile: ${messageOf(error)}`, { cause: error });
  }
  return { validate, source, filename };
}

const TOP_LEVEL_FUNCTION = /^(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*\(/gm;

/**
 * Statements that define exactly one top-level function and have no top-level `return` (the
 * Python SDK's "module defining one callable" form): call that function with `(input, context)`.
 * A top-level `return` or `await` makes the code fail to compile as a script, which is how they
 * are told apart from a function body.
 */
function withEntryCall(code: string): string {
  try {
    new vm.Script(code);
  } catch {
    return code;
  }
  const names = [...code.matchAll(TOP_LEVEL_FUNCTION)].map((match) => match[1]);
  return names.length === 1 ? `${code}\nreturn ${names[0]}(input, context);` : code;
}

function isExpression(code: string): boolean {
  try {
    new vm.Script(`(${code}\n)`);
    return true;
  } catch {
    return false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
