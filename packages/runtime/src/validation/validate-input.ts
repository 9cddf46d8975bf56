import type { Flow } from '@stepflow/protocol';
import { InputValidationError } from '../errors/input-validation-error.ts';
import { compileJsonSchema } from '../internal/json-schema.ts';
import { schemaViolations } from './schema-violations.ts';

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
  const violations = schemaViolations(validate.errors);
  throw new InputValidationError(violations, flowName === undefined ? {} : { flowName });
}
