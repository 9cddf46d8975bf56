import { answerSchemaProblem } from '../pauses/pause-input.ts';
import type { Diagnostic } from './diagnostic.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The literal value of a template, or `undefined` when it is computed (`$from`, `$input`, …). */
function literalOf(template: unknown): unknown {
  if (!isObject(template)) return template;
  if (Object.hasOwn(template, '$literal')) return template.$literal;
  if (Object.keys(template).some((key) => key.startsWith('$'))) return undefined;
  return template;
}

/**
 * Checks what can be checked before a run of an `ask_human` or `sleep` step: a literal answer
 * `schema` must be a valid JSON Schema, `timeoutMs` and `durationMs` numbers, `until` a date-time.
 */
export function pauseStepDiagnostics(
  step: Record<string, unknown>,
  stepId: string,
  path: readonly (string | number)[],
  file: string | undefined,
): Diagnostic[] {
  const component = typeof step.component === 'string' ? step.component : '';
  const isAsk = component === '/ask_human' || component === '/builtin/ask_human';
  const isSleep = component === '/sleep' || component === '/builtin/sleep';
  if ((!isAsk && !isSleep) || !isObject(step.input)) return [];
  const input = step.input;
  const found: Diagnostic[] = [];
  const report = (field: string, message: string): void => {
    found.push({
      level: 'error',
      type: 'invalidPauseInput',
      message: `Step '${stepId}': ${message}`,
      path: [...path, 'input', field],
      ...(file === undefined ? {} : { file }),
      stepId,
      field: `input.${field}`,
    });
  };
  const isNumber = (value: unknown): boolean =>
    typeof value === 'number' && Number.isFinite(value) && value >= 0;
  if (isAsk) {
    if (!('prompt' in input)) report('prompt', 'ask_human needs a prompt');
    const schema = literalOf(input.schema);
    if (input.schema !== undefined && schema !== undefined) {
      const problem = answerSchemaProblem(schema);
      if (problem !== undefined)
        report('schema', `the answer schema of ask_human is not a valid JSON Schema: ${problem}`);
    }
    const timeout = literalOf(input.timeoutMs);
    if (
      input.timeoutMs !== undefined &&
      timeout !== undefined &&
      (!isNumber(timeout) || timeout === 0)
    )
      report('timeoutMs', 'timeoutMs must be a positive number of milliseconds');
    return found;
  }
  const duration = literalOf(input.durationMs);
  if (input.durationMs !== undefined && duration !== undefined && !isNumber(duration))
    report('durationMs', 'durationMs must be a non-negative number of milliseconds');
  const until = literalOf(input.until);
  if (
    input.until !== undefined &&
    until !== undefined &&
    (typeof until !== 'string' || !Number.isFinite(Date.parse(until)))
  )
    report('until', 'until must be an ISO 8601 date-time, e.g. "2026-12-01T09:00:00Z"');
  if (input.durationMs === undefined && input.until === undefined)
    report('durationMs', 'sleep needs durationMs or until');
  return found;
}
