import type { FlowError } from '@stepflow/protocol';
import type { ValidateFunction } from 'ajv';
import {
  MAX_KEPT_VIOLATIONS,
  formatViolations,
  schemaViolations,
} from '../validation/schema-violations.ts';
import { INFRASTRUCTURE_ERROR_CODE } from './step-failure.ts';

/**
 * Checks a value against a declared `outputSchema`: undefined when it conforms, else the failure
 * naming `subject` (`the output of step "s"`, `the flow output`) and every violation.
 */
export function outputSchemaFailure(
  validate: ValidateFunction,
  value: unknown,
  subject: string,
): FlowError | undefined {
  if (validate(value)) return undefined;
  const violations = schemaViolations(validate.errors, MAX_KEPT_VIOLATIONS);
  return {
    code: INFRASTRUCTURE_ERROR_CODE,
    message: `${subject} does not match its outputSchema: ${formatViolations(violations, '(output)')}`,
    data: { violations },
  };
}
