import type { Flow } from '@stepflow/protocol';
import { InputValidationError, type InputViolation } from '../errors/input-validation-error.ts';
import { compileJsonSchema } from '../internal/json-schema.ts';

/**
 * Checks a flow input against the flow's `inputSchema` with ajv (DECISIONS item 14) and throws
 * `InputValidationError` listing every violation. A flow without `inputSchema` accepts anything.
 */
export function validateFlowInput(flow: Flow, input: unknown): void {
  const doc = flow as unknown as { inputSchema?: unknown; name?: unknown };
  const schema = doc.inputSchema;
  if (schema === undefined || schema === null) return;
  const flowName = typeof doc.name === 'string' ? doc.name : undefined;
  const { validate } = compileJsonSchema(schema);
  // A schema ajv cannot compile (e.g. an unresolvable $ref) is not enforced: the reference never
  // enforced schemas, and `validateFlow` already warns about it (invalidSchema).
  if (!validate) return;
  if (validate(input)) return;
  const violations: InputViolation[] = (validate.errors ?? []).map((error) => ({
    path: error.instancePath,
    message:
      error.message === undefined
        ? error.keyword
        : `${error.message}${error.keyword === 'additionalProperties' ? ` ('${String((error.params as { additionalProperty?: unknown }).additionalProperty)}')` : ''}`,
  }));
  throw new InputValidationError(violations, flowName === undefined ? {} : { flowName });
}
