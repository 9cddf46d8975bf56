// A fast check that a run event is well formed, for the journal's hot path: appending a
// thousand-step fan-out checks thousands of events, and zod's general machinery was most of a
// SQLite append's cost. It is never looser than `RunEventSchema`: when it says yes, the schema
// says yes too; when it says no, the caller asks the schema, which decides and names the fault.

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isOptionalString = (value: unknown): boolean => value === undefined || isString(value);
const isInt = (value: unknown, min: number): boolean =>
  Number.isSafeInteger(value) && (value as number) >= min;

function isFlowError(error: unknown): boolean {
  return isObject(error) && Number.isSafeInteger(error.code) && isString(error.message);
}

function isFlowResult(result: unknown): boolean {
  if (!isObject(result)) return false;
  switch (result.outcome) {
    case 'success':
      return 'result' in result;
    case 'skipped':
      return isOptionalString(result.reason);
    case 'failed':
      return isFlowError(result.error);
    default:
      return false;
  }
}

function isStepEvent(event: Fields, minAttempt: number): boolean {
  return isString(event.stepId) && isInt(event.attempt, minAttempt);
}

/** Whether `event` is certainly a valid run event (see the file comment). */
export function isWellFormedRunEvent(event: unknown): boolean {
  if (!isObject(event)) return false;
  if (!isString(event.runId) || event.runId.length === 0) return false;
  if (typeof event.at !== 'number' || !Number.isFinite(event.at)) return false;
  switch (event.type) {
    case 'runStarted':
      return (
        isString(event.flowId) &&
        'input' in event &&
        isOptionalString(event.parentRunId) &&
        isOptionalString(event.parentStepId)
      );
    case 'runResumed':
      return true;
    case 'stepStarted':
      return isStepEvent(event, 1) && isString(event.component) && 'input' in event;
    case 'stepRetrying':
      return (
        isStepEvent(event, 1) &&
        isFlowError(event.error) &&
        typeof event.delayMs === 'number' &&
        Number.isFinite(event.delayMs) &&
        event.delayMs >= 0 &&
        (event.reason === 'onError' || event.reason === 'transport')
      );
    case 'stepCompleted':
      return isStepEvent(event, 0) && isFlowResult(event.result);
    case 'runCompleted':
      return isFlowResult(event.result);
    default:
      return false;
  }
}
