import { type FlowResult, ErrorCodes } from '@stepflow/protocol';
import type { ValidateFunction } from 'ajv';
import { ComponentError } from '../errors/component-error.ts';
import { MAX_VALUE_DEPTH, exceedsValueDepth } from '../internal/value-depth.ts';
import { INFRASTRUCTURE_ERROR_CODE } from '../scheduler/step-failure.ts';
import {
  MAX_KEPT_VIOLATIONS,
  formatViolations,
  schemaViolations,
} from '../validation/schema-violations.ts';
import type { DeclaredOutputSchemas } from './declared-output-schemas.ts';
import type { Plugin } from './plugin.ts';

/** Where an execution went: the plugin's name and the post-routing component name. */
export interface ExecutionTarget {
  readonly plugin: string;
  readonly component: string;
}

/** Whether a plugin's answer is a well-formed FlowResult. */
function isFlowResult(value: unknown): value is FlowResult {
  if (typeof value !== 'object' || value === null) return false;
  const result = value as {
    outcome?: unknown;
    result?: unknown;
    error?: { code?: unknown; message?: unknown };
  };
  switch (result.outcome) {
    case 'success':
      return 'result' in result;
    case 'skipped':
      return true;
    case 'failed':
      return typeof result.error?.code === 'number' && typeof result.error.message === 'string';
    default:
      return false;
  }
}

/** A bounded rendering of something a plugin returned, for an error message. */
function preview(value: unknown): string {
  if (exceedsValueDepth(value)) return '(a value nested too deeply to show)';
  try {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 500 ? `${text.slice(0, 500)}…` : text;
  } catch {
    return String(value);
  }
}

function conform(
  validate: ValidateFunction | undefined,
  result: FlowResult & { outcome: 'success' },
  target: ExecutionTarget,
): FlowResult {
  if (validate === undefined || validate(result.result)) return result;
  const violations = schemaViolations(validate.errors, MAX_KEPT_VIOLATIONS);
  throw new ComponentError(
    INFRASTRUCTURE_ERROR_CODE,
    `the output of component '${target.component}' (plugin '${target.plugin}') does not match the output_schema it declares: ${formatViolations(violations, '(output)')}`,
    { violations },
  );
}

/**
 * Checks what a plugin answered for one execution: a well-formed FlowResult whose output, on
 * success, is not nested deeper than `MAX_VALUE_DEPTH` and (when `schemas` is given) matches the
 * output schema the plugin declares for the component. Throws a `ComponentError` naming the
 * component otherwise. Synchronous unless the plugin's schemas are still being listed.
 */
export function checkPluginResult(
  result: unknown,
  target: ExecutionTarget,
  plugin: Plugin,
  schemas: DeclaredOutputSchemas | undefined,
): FlowResult | Promise<FlowResult> {
  if (!isFlowResult(result)) {
    throw new ComponentError(
      ErrorCodes.internalError,
      `Plugin '${target.plugin}' returned an invalid FlowResult for ${target.component}: ${preview(result)}`,
    );
  }
  if (result.outcome !== 'success') return result;
  if (exceedsValueDepth(result.result)) {
    throw new ComponentError(
      INFRASTRUCTURE_ERROR_CODE,
      `the output of component '${target.component}' is nested more than ${MAX_VALUE_DEPTH} levels deep (the limit)`,
    );
  }
  if (schemas === undefined) return result;
  const validate = schemas.lookup(target.plugin, plugin, target.component);
  return validate instanceof Promise
    ? validate.then((loaded) => conform(loaded, result, target))
    : conform(validate, result, target);
}
