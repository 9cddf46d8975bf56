import type { FlowError, FlowResult } from '@stepflow/protocol';
import {
  type Resolution,
  type ResolutionScope,
  resolveTemplate,
} from '../expressions/resolve-template.ts';
import type { StepPlan } from './flow-plan.ts';
import { INFRASTRUCTURE_ERROR_CODE, dependencyFailure, stepFailure } from './step-failure.ts';

const SKIPPED: FlowResult = { outcome: 'skipped' };

/** Why a step's `input` or `skipIf` could not be resolved, as the step's failure. */
export function failureFromResolution(
  step: StepPlan,
  field: string,
  resolution: Resolution,
): { readonly error: FlowError } {
  if (resolution.status === 'failed') {
    return {
      error: dependencyFailure(step.id, {
        field,
        dependency: resolution.stepId,
        cause: resolution.error,
      }),
    };
  }
  const message = resolution.status === 'error' ? resolution.message : 'unresolvable';
  const what = field === 'skipIf' ? 'skip_if' : field;
  return {
    error: stepFailure(step.id, {
      field,
      cause: {
        code: INFRASTRUCTURE_ERROR_CODE,
        message: `failed to resolve ${what} for step '${step.id}': ${message}`,
      },
    }),
  };
}

/** Applies a step's `onError` to its final failure and returns the result to record. */
export function applyErrorPolicy(
  step: StepPlan,
  error: FlowError,
  scope: ResolutionScope,
): FlowResult {
  const policy = step.onError;
  if (policy.action === 'skip') return SKIPPED;
  if (policy.action !== 'useDefault') return { outcome: 'failed', error };
  if (!policy.defaultValue) return { outcome: 'success', result: null };
  const resolved = resolveTemplate(policy.defaultValue, scope);
  if (resolved.status === 'success') return { outcome: 'success', result: resolved.value };
  if (resolved.status === 'skipped') return { outcome: 'success', result: null };
  const message =
    resolved.status === 'error' ? resolved.message : `step '${resolved.stepId}' failed`;
  return {
    outcome: 'failed',
    error: stepFailure(step.id, {
      field: 'onError.defaultValue',
      cause: {
        code: INFRASTRUCTURE_ERROR_CODE,
        message: `failed to resolve default for error in step '${step.id}': ${message}`,
      },
      error,
    }),
  };
}
