import vm from 'node:vm';
import { ErrorCodes } from '@stepflow/protocol';
import type { ComponentContext } from '../component-context.ts';
import { ComponentError } from '../component-error.ts';
import type { JsonSchema } from '../component-schema.ts';
import type { UdfOptions } from '../udf-options.ts';
import { compileJsonSchema, describeIssues, type ValidationOutcome } from './schema-adapter.ts';

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

interface CompiledUdf {
  readonly validate: (value: unknown) => ValidationOutcome;
  readonly run: (input: unknown, context: ComponentContext) => unknown;
}

const INVOKE = new vm.Script('__stepflowUdf(__stepflowInput, __stepflowContext)', {
  filename: 'udf-invoke.js',
});

/**
 * Creates the `/udf` handler. Compiled UDFs are cached per blob id (a blob id names immutable
 * content, so a cache entry never goes stale); failed compilations are not cached.
 *
 * Code runs in its own `node:vm` context with a time limit on synchronous execution. This is
 * isolation against accidents, not a security boundary: UDF code can reach the host process.
 */
export function createUdfHandler(options: UdfOptions = {}) {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const cache = new Map<string, Promise<CompiledUdf>>();

  const load = (blobId: string, context: ComponentContext): Promise<CompiledUdf> => {
    let entry = cache.get(blobId);
    if (!entry) {
      entry = context.getBlob(blobId).then((blob) => compileUdf(blob, blobId, timeoutMs, context));
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
    const result = udf.run(params.input, context);
    return isThenable(result)
      ? withTimeLimit(result, timeoutMs, params.blob_id, context.signal)
      : result;
  };
}

function compileUdf(
  blob: unknown,
  blobId: string,
  timeoutMs: number,
  context: ComponentContext,
): CompiledUdf {
  if (typeof blob !== 'object' || blob === null || Array.isArray(blob)) {
    throw new ComponentError(
      ErrorCodes.invalidParams,
      `UDF blob ${blobId} must be an object {code, input_schema}`,
      {
        blob_id: blobId,
      },
    );
  }
  const { code, input_schema: inputSchema } = blob as { code?: unknown; input_schema?: unknown };
  if (typeof code !== 'string' || code.trim() === '') {
    throw new ComponentError(
      ErrorCodes.invalidParams,
      `UDF blob ${blobId}: 'code' must be a non-empty string`,
      {
        blob_id: blobId,
      },
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
        {
          blob_id: blobId,
        },
      );
    }
    validate = compileJsonSchema(inputSchema as JsonSchema, `UDF blob ${blobId}: input_schema`);
  }

  const filename = `udf-${blobId.slice(0, 12)}.js`;
  const sandbox = vm.createContext({
    console: udfConsole((line) => context.log(line)),
  }) as Record<string, unknown>;
  // Expression forms are re-evaluated per call, so `input` is in scope; a function value is then called.
  const source = isExpression(code)
    ? `(function (input, context) { return (\n${code}\n); })`
    : `(${/\bawait\b/.test(code) ? 'async ' : ''}function (input, context) {\n${withEntryCall(code)}\n})`;
  let fn: unknown;
  try {
    // Evaluating the wrapper only creates a function; no user code runs yet, so no time limit.
    fn = new vm.Script(source, { filename }).runInContext(sandbox);
  } catch (error) {
    throw new Error(`UDF ${blobId} does not compile: ${messageOf(error)}`, { cause: error });
  }
  sandbox.__stepflowUdf = fn;

  const invoke = (target: unknown, input: unknown, ctx: ComponentContext): unknown => {
    sandbox.__stepflowUdf = target;
    sandbox.__stepflowInput = input;
    sandbox.__stepflowContext = ctx;
    try {
      return INVOKE.runInContext(sandbox, { timeout: timeoutMs });
    } catch (error) {
      if (isVmTimeout(error))
        throw new Error(`UDF ${blobId} timed out after ${timeoutMs} ms`, { cause: error });
      throw error;
    } finally {
      sandbox.__stepflowInput = undefined;
      sandbox.__stepflowContext = undefined;
    }
  };

  return {
    validate,
    run(input, ctx) {
      const value = invoke(fn, input, ctx);
      return typeof value === 'function' ? invoke(value, input, ctx) : value;
    },
  };
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

function isVmTimeout(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT'
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

async function withTimeLimit(
  work: PromiseLike<unknown>,
  timeoutMs: number,
  blobId: string,
  signal: AbortSignal,
): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`UDF ${blobId} timed out after ${timeoutMs} ms`)),
          timeoutMs,
        );
        onAbort = () =>
          reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

function udfConsole(write: (line: string) => void) {
  const line =
    (level: string) =>
    (...args: unknown[]) =>
      write(
        `${level}: ${args.map((arg) => (typeof arg === 'string' ? arg : safeJson(arg))).join(' ')}`,
      );
  return {
    log: line('log'),
    info: line('info'),
    debug: line('debug'),
    warn: line('warn'),
    error: line('error'),
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
