import type { FlowError } from '@stepflow/protocol';
import { ComponentError } from '../errors/component-error.ts';
import { RuntimeServiceError } from '../errors/runtime-service-error.ts';

/** Code of failures the engine produces itself (REF: infrastructure errors are 500). */
export const INFRASTRUCTURE_ERROR_CODE = 500;

/** Code of a cancelled run (REF: `Nested flow execution was cancelled`). */
export const CANCELLED_ERROR_CODE = 410;

/** Thrown into an attempt when its `timeoutMs` elapses. */
export class StepTimeoutError extends Error {
  override readonly name = 'StepTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}

/** The `{code, message, data?}` describing why an attempt threw. */
export function describeThrown(error: unknown): FlowError {
  if (ComponentError.isInstance(error) || RuntimeServiceError.isInstance(error)) {
    return error.data === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, data: error.data };
  }
  if (error instanceof Error) return { code: INFRASTRUCTURE_ERROR_CODE, message: error.message };
  return { code: INFRASTRUCTURE_ERROR_CODE, message: String(error) };
}

/**
 * The step failure recorded for anything other than a component-reported failed result
 * (DECISIONS item 11): `{code: 500, message: 'step "<id>" failed', data: {…cause…}}`.
 */
export function stepFailure(stepId: string, data: Record<string, unknown>): FlowError {
  return {
    code: INFRASTRUCTURE_ERROR_CODE,
    message: `step ${JSON.stringify(stepId)} failed`,
    data,
  };
}
