import type { FlowError } from '@stepflow/protocol';
import { ComponentError } from '../errors/component-error.ts';
import { RuntimeServiceError } from '../errors/runtime-service-error.ts';
import { redactSecrets } from '../internal/redact-secrets.ts';

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

/** Longest root-cause message repeated in a dependent step's message (the full one stays in `data`). */
const ROOT_MESSAGE_LIMIT = 1000;

/** Whether `error` is the engine's own `step "<id>" failed…` failure of `stepId`. */
function isEngineFailure(error: FlowError, stepId: string): boolean {
  return (
    error.code === INFRASTRUCTURE_ERROR_CODE &&
    error.message.startsWith(`step ${JSON.stringify(stepId)} failed`) &&
    typeof error.data === 'object' &&
    error.data !== null
  );
}

function isFlowError(value: unknown): value is FlowError {
  const error = value as { code?: unknown; message?: unknown } | null;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof error.code === 'number' &&
    typeof error.message === 'string'
  );
}

/**
 * Follows a chain of dependency failures (c failed because b failed because a failed) down to
 * the step where it started and the message saying why. Iterative: chains can be long.
 */
export function rootCauseOf(
  stepId: string,
  error: FlowError,
): { readonly stepId: string; readonly message: string } {
  let current = error;
  let id = stepId;
  while (isEngineFailure(current, id)) {
    const data = current.data as { dependency?: unknown; cause?: unknown };
    if (!isFlowError(data.cause)) break;
    if (typeof data.dependency !== 'string') return { stepId: id, message: data.cause.message };
    id = data.dependency;
    current = data.cause;
  }
  return { stepId: id, message: current.message };
}

/**
 * The failure of a step whose input needs a step that failed. REF's `{code: 500, data: {cause}}`
 * shape, but the message names the root cause, which otherwise sits several `cause`s down:
 * `step "c" failed: step "a" failed: <why a failed>`.
 */
export function dependencyFailure(
  stepId: string,
  data: { readonly field: string; readonly dependency: string; readonly cause: FlowError },
): FlowError {
  const root = rootCauseOf(data.dependency, data.cause);
  const reason =
    root.message.length > ROOT_MESSAGE_LIMIT
      ? `${root.message.slice(0, ROOT_MESSAGE_LIMIT)}…`
      : root.message;
  return {
    code: INFRASTRUCTURE_ERROR_CODE,
    message: `step ${JSON.stringify(stepId)} failed: step ${JSON.stringify(root.stepId)} failed: ${reason}`,
    data,
  };
}

/** The failure with secret-looking fields of its data redacted (the message is kept). */
export function redactFailure(error: FlowError): FlowError {
  if (error.data === undefined) return error;
  const data = redactSecrets(error.data);
  return data === error.data ? error : { ...error, data };
}
