import type { StandardSchemaV1 } from '@standard-schema/spec';

/** One schema issue as it travels in the `data.issues` of a -32602 response. */
export interface ParamsIssue {
  readonly message: string;
  readonly path: (string | number)[];
}

/** The outcome of validating params against a handler's schema. */
export type ParamsValidation =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly issues: ParamsIssue[] };

/**
 * Validates `params` with a Standard Schema v1. Stays synchronous when the schema is, so the
 * common case costs no extra promise.
 */
export function validateParams(
  schema: StandardSchemaV1,
  params: unknown,
): ParamsValidation | Promise<ParamsValidation> {
  const result = schema['~standard'].validate(params);
  return result instanceof Promise ? result.then(toValidation) : toValidation(result);
}

function toValidation(result: StandardSchemaV1.Result<unknown>): ParamsValidation {
  if (result.issues === undefined) return { ok: true, value: result.value };
  return { ok: false, issues: result.issues.map(toIssue) };
}

function toIssue(issue: StandardSchemaV1.Issue): ParamsIssue {
  const path = (issue.path ?? []).map((segment) => {
    const key = typeof segment === 'object' ? segment.key : segment;
    return typeof key === 'number' ? key : String(key);
  });
  return { message: issue.message, path };
}
