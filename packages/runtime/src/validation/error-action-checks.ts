import { compileTemplate, type TemplateIssue } from '../expressions/compile-template.ts';
import { isObject, type DocumentPath, type FlowCheck } from './flow-check.ts';
import type { StepScope } from './step-scope.ts';

const ERROR_ACTION_KEYS: Record<string, readonly string[]> = {
  fail: ['action'],
  skip: ['action'],
  useDefault: ['action', 'defaultValue'],
  retry: ['action', 'maxAttempts', 'backoff'],
};
const BACKOFF_KEYS = ['initialMs', 'multiplier', 'maxMs', 'jitter'];

/** Checks a step's `onError`: a known action, its keys, a default's references, retry bounds. */
export function checkErrorAction(
  check: FlowCheck,
  scope: StepScope,
  onError: unknown,
  path: DocumentPath,
): void {
  const { stepId } = scope;
  const actionKeys =
    isObject(onError) && typeof onError.action === 'string'
      ? ERROR_ACTION_KEYS[onError.action]
      : undefined;
  if (!isObject(onError) || !actionKeys) {
    check.add(
      'fatal',
      'invalidErrorAction',
      `Step '${stepId}' has an invalid onError: expected action fail, skip, useDefault or retry, got ${JSON.stringify(isObject(onError) ? onError.action : onError)}`,
      path,
      { stepId, field: 'onError' },
    );
    return;
  }
  check.unknownKeys(onError, actionKeys, path, `onError of step '${stepId}'`, stepId);
  if (
    onError.action === 'useDefault' &&
    onError.defaultValue !== undefined &&
    onError.defaultValue !== null
  ) {
    const issues: TemplateIssue[] = [];
    const defaultValue = compileTemplate(onError.defaultValue, issues);
    const field = 'onError.defaultValue';
    check.templateIssues(issues, [...path, 'defaultValue'], stepId, field);
    scope.checkReferences(defaultValue, field, [...path, 'defaultValue']);
  }
  if (onError.action === 'retry') checkRetry(check, stepId, onError, path);
}

function checkRetry(
  check: FlowCheck,
  stepId: string,
  onError: Record<string, unknown>,
  path: DocumentPath,
): void {
  if (
    onError.maxAttempts !== undefined &&
    (!Number.isInteger(onError.maxAttempts) || (onError.maxAttempts as number) < 1)
  ) {
    check.add(
      'fatal',
      'invalidField',
      `Step '${stepId}': onError.maxAttempts must be an integer of at least 1`,
      [...path, 'maxAttempts'],
      { stepId, field: 'onError.maxAttempts' },
    );
  }
  const backoff = onError.backoff;
  if (backoff === undefined) return;
  if (!isObject(backoff)) {
    check.add(
      'fatal',
      'invalidField',
      `Step '${stepId}': onError.backoff must be an object`,
      [...path, 'backoff'],
      { stepId, field: 'onError.backoff' },
    );
    return;
  }
  check.unknownKeys(
    backoff,
    BACKOFF_KEYS,
    [...path, 'backoff'],
    `onError.backoff of step '${stepId}'`,
    stepId,
  );
  for (const key of ['initialMs', 'multiplier', 'maxMs'] as const) {
    const value = backoff[key];
    if (value !== undefined && (typeof value !== 'number' || value < 0)) {
      check.add(
        'fatal',
        'invalidField',
        `Step '${stepId}': onError.backoff.${key} must be a non-negative number`,
        [...path, 'backoff', key],
        { stepId, field: `onError.backoff.${key}` },
      );
    }
  }
}
