import { compileTemplate, type TemplateIssue } from '../expressions/compile-template.ts';
import { missingComponentReason } from './component-lists.ts';
import { checkErrorAction } from './error-action-checks.ts';
import { isObject, type DocumentPath } from './flow-check.ts';
import { pauseStepDiagnostics } from './pause-step-diagnostics.ts';
import { checkSkipIf } from './skip-if-checks.ts';
import type { FlowSteps, StepScope } from './step-scope.ts';
import { templateKeyDiagnostics } from './template-key-diagnostics.ts';

const STEP_KEYS = [
  'id',
  'component',
  'inputSchema',
  'outputSchema',
  'skipIf',
  'onError',
  'input',
  'metadata',
  'timeoutMs',
];

/** Checks the step at `index` against the steps before it, then records its id. */
export function checkStep(steps: FlowSteps, rawStep: unknown, index: number): void {
  const { check } = steps;
  const path = ['steps', index];
  if (!isObject(rawStep)) {
    check.add('fatal', 'invalidField', `Step ${index} must be an object`, path);
    return;
  }
  const step = rawStep;
  const id = typeof step.id === 'string' ? step.id : '';
  if (id.trim() === '') {
    check.add('fatal', 'emptyStepId', `Step ID cannot be empty (step ${index})`, [...path, 'id'], {
      field: 'id',
    });
  } else if (steps.indexById.has(id)) {
    check.add('fatal', 'duplicateStepId', `Duplicate step ID: '${id}'`, [...path, 'id'], {
      stepId: id,
      field: 'id',
    });
  }
  const stepId = id.trim() === '' ? `#${index}` : id;
  const scope = steps.scopeOf(index, id, stepId);
  check.unknownKeys(step, STEP_KEYS, path, `step '${stepId}'`, stepId);
  checkComponent(steps, step.component, stepId, path);
  checkInput(steps, scope, step, path);
  if (step.skipIf !== undefined && step.skipIf !== null)
    checkSkipIf(steps, scope, step.skipIf, [...path, 'skipIf']);
  if (step.onError !== undefined && step.onError !== null)
    checkErrorAction(check, scope, step.onError, [...path, 'onError']);
  checkLimitsAndSchemas(steps, step, stepId, path);
  if (id.trim() !== '' && !steps.indexById.has(id)) steps.indexById.set(id, index);
}

/** A component path, and with a config, a plugin it is routed to that has it. */
function checkComponent(
  steps: FlowSteps,
  component: unknown,
  stepId: string,
  path: DocumentPath,
): void {
  const { check, router } = steps;
  const where = [...path, 'component'];
  const subject = { stepId, field: 'component' };
  if (typeof component !== 'string' || component === '') {
    check.add('fatal', 'missingComponent', `Step '${stepId}' has no component`, where, subject);
  } else if (!component.startsWith('/')) {
    check.add(
      'error',
      'invalidComponent',
      `Invalid component '${component}' in step '${stepId}': Component path must start with '/'`,
      where,
      subject,
    );
  } else if (router) {
    const reason = router.matches(component)
      ? missingComponentReason(component, router.targets(component), steps.lists)
      : 'no route matches it';
    if (reason !== undefined)
      check.add(
        'error',
        'unknownComponent',
        `Step '${stepId}' uses component '${component}', but ${reason}`,
        where,
        subject,
      );
  }
}

/** The step's input template: its syntax, references and keys, and a pause step's settings. */
function checkInput(
  steps: FlowSteps,
  scope: StepScope,
  step: Record<string, unknown>,
  path: DocumentPath,
): void {
  const { check } = steps;
  const { stepId } = scope;
  const issues: TemplateIssue[] = [];
  const input = compileTemplate(step.input ?? null, issues);
  check.templateIssues(issues, [...path, 'input'], stepId, 'input');
  scope.checkReferences(input, 'input', [...path, 'input']);
  check.templateKeys(step.input, [...path, 'input'], stepId);
  const file = check.file;
  check.diagnostics.push(
    ...templateKeyDiagnostics(step.input, {
      file,
      stepId,
      field: 'input',
      path: [...path, 'input'],
    }),
    ...templateKeyDiagnostics(step.skipIf, {
      file,
      stepId,
      field: 'skipIf',
      path: [...path, 'skipIf'],
    }),
    ...pauseStepDiagnostics(step, stepId, path, file),
  );
}

/** `timeoutMs` is a positive number; the step's schemas are valid JSON Schemas. */
function checkLimitsAndSchemas(
  steps: FlowSteps,
  step: Record<string, unknown>,
  stepId: string,
  path: DocumentPath,
): void {
  const { check } = steps;
  if (
    step.timeoutMs !== undefined &&
    step.timeoutMs !== null &&
    (typeof step.timeoutMs !== 'number' || !(step.timeoutMs > 0))
  ) {
    check.add(
      'fatal',
      'invalidField',
      `Step '${stepId}': timeoutMs must be a positive number of milliseconds`,
      [...path, 'timeoutMs'],
      { stepId, field: 'timeoutMs' },
    );
  }
  check.schemas(step, (key) => `Step '${stepId}': ${key}`, path, stepId);
}
