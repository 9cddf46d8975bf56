import { z } from 'zod';
import type { JsonValue } from '../json-value.ts';
import { SkipActionSchema } from './skip-action.ts';

/** Schema for the source of a reference: `{workflow: 'input'}` or `{step: '<id>'}`. */
export const BaseRefSchema = z.union([
  // additionalProperties: false in the spec, so `{workflow, step}` is read as a step reference.
  z.strictObject({ workflow: z.literal('input') }),
  z.looseObject({ step: z.string() }),
]);

/** The source of a reference: the workflow input or a step's output. */
export type BaseRef = z.infer<typeof BaseRefSchema>;

/**
 * Schema for a reference expression: `{$from, path?, onSkip?}`.
 *
 * `path` is a JSON path (`$`, `$.a[0]`, `$["a.b"]`) or a bare field name taken verbatim.
 */
export const ReferenceSchema = z.looseObject({
  /** Where the value comes from. */
  $from: BaseRefSchema,
  /** Path into the referenced value; absent or `$` means the whole value. */
  path: z.string().optional(),
  /** What to do when the referenced step was skipped. */
  onSkip: SkipActionSchema.nullish(),
});

/** A reference to the workflow input or a step output. */
export type Reference = z.infer<typeof ReferenceSchema>;

/** Schema for an escaped literal: `{$literal: value}`, never expanded. */
export const EscapedLiteralSchema = z.looseObject({
  /** The value, taken verbatim even if it contains `$from`. */
  $literal: z.unknown(),
});

/** An escaped literal: a value that is never expanded. */
export type EscapedLiteral = z.infer<typeof EscapedLiteralSchema>;

/**
 * A value template: any JSON value in which every object holding `$from` is a {@link Reference}
 * and every object holding `$literal` is an {@link EscapedLiteral}; other objects and arrays are
 * walked recursively.
 */
export type ValueTemplate =
  | Reference
  | EscapedLiteral
  | null
  | boolean
  | number
  | string
  | ValueTemplate[]
  | { [key: string]: ValueTemplate };

/**
 * An expression (as used by `skipIf`): a {@link Reference}, an {@link EscapedLiteral} or a literal
 * JSON value. Unlike a template, a literal is not walked for nested references.
 */
export type Expr = Reference | EscapedLiteral | JsonValue;

/** Whether `value` is an object that the template language reads as a reference (`$from` key). */
export function isReference(value: unknown): value is Reference {
  return isPlainObject(value) && Object.hasOwn(value, '$from');
}

/** Whether `value` is an escaped literal (`$literal` key and no `$from`, which would win). */
export function isEscapedLiteral(value: unknown): value is EscapedLiteral {
  return isPlainObject(value) && Object.hasOwn(value, '$literal') && !Object.hasOwn(value, '$from');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Issue = { message: string; path: PropertyKey[] };

function checkReference(
  value: Record<string, unknown>,
  path: PropertyKey[],
  issues: Issue[],
): void {
  const parsed = ReferenceSchema.safeParse(value);
  if (parsed.success) return;
  for (const issue of parsed.error.issues) {
    const message =
      issue.path[0] === '$from'
        ? `$from must be {workflow: input} or {step: <id>}, got ${JSON.stringify(value['$from'])}`
        : issue.message;
    issues.push({ message: `Invalid expression: ${message}`, path: [...path, ...issue.path] });
  }
}

function checkTemplate(value: unknown, path: PropertyKey[], issues: Issue[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkTemplate(item, [...path, index], issues));
    return;
  }
  if (!isPlainObject(value)) return;
  if (isReference(value)) {
    checkReference(value, path, issues);
    return;
  }
  if (isEscapedLiteral(value)) return;
  for (const [key, child] of Object.entries(value)) checkTemplate(child, [...path, key], issues);
}

/**
 * Schema for a {@link ValueTemplate} (step `input`, flow `output`, `onError.defaultValue`).
 *
 * Any JSON value is accepted, except that every object holding `$from` (outside `$literal`) must
 * be a valid reference; the issue path points at the faulty expression.
 */
export const ValueTemplateSchema = z
  .custom<ValueTemplate>((value) => value !== undefined, { message: 'Required' })
  .superRefine((value, ctx) => {
    const issues: Issue[] = [];
    checkTemplate(value, [], issues);
    for (const issue of issues) ctx.addIssue({ code: 'custom', ...issue });
  });

/**
 * Schema for an {@link Expr} (`skipIf`): a reference, an escaped literal or a literal value.
 * Only a top-level `$from` object is an expression; nested objects are literals.
 */
export const ExprSchema = z
  .custom<Expr>((value) => value !== undefined, { message: 'Required' })
  .superRefine((value, ctx) => {
    if (!isReference(value)) return;
    const issues: Issue[] = [];
    checkReference(value, [], issues);
    for (const issue of issues) ctx.addIssue({ code: 'custom', ...issue });
  });
