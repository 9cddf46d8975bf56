import type * as z from 'zod';

/** A JSON Schema document (any draft Ajv understands: draft-07 by default, 2020-12 when declared). */
export type JsonSchema = { readonly [key: string]: unknown } | boolean;

/**
 * A validator that implements Standard Schema v1 (zod 4, valibot, arktype, …). Only the members
 * the SDK uses are listed.
 */
export interface StandardSchemaLike<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** The result shape of a Standard Schema `validate` call. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | {
      readonly issues: ReadonlyArray<{
        readonly message: string;
        readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
      }>;
    };

/**
 * What a component's `input` or `output` may be: a zod schema (its JSON Schema is derived with
 * `z.toJSONSchema`), any other Standard Schema validator, or a plain JSON Schema (validated with Ajv).
 */
export type ComponentSchema = z.ZodType | StandardSchemaLike | JsonSchema;

/** The value a handler receives for an input schema: the parsed output of a zod/Standard schema. */
export type InferInput<S> = S extends z.ZodType
  ? z.output<S>
  : S extends StandardSchemaLike<unknown, infer O>
    ? O
    : unknown;

/** The value a handler may return for an output schema: the input type of a zod/Standard schema. */
export type InferOutput<S> = S extends z.ZodType
  ? z.input<S>
  : S extends StandardSchemaLike<infer I, unknown>
    ? I
    : unknown;

/** One reason a value failed its schema: where (`path` into the value) and why. */
export interface ValidationIssue {
  /** Keys and indexes from the root of the value to the offending part (`[]` for the root). */
  readonly path: ReadonlyArray<string | number>;
  /** What is wrong, in words. */
  readonly message: string;
}
