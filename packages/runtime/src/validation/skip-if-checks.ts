import { compileExpr, type TemplateIssue } from '../expressions/compile-template.ts';
import type { PathSegment } from '../expressions/json-path.ts';
import { isObject, type DocumentPath } from './flow-check.ts';
import type { FlowSteps, StepScope } from './step-scope.ts';

/** The sub-schema a path leads to through `properties` and `items` (best effort). */
function schemaAt(schema: unknown, path: readonly PathSegment[]): unknown {
  let current = schema;
  for (const segment of path) {
    if (!isObject(current)) return undefined;
    if (segment.kind === 'field')
      current = isObject(current.properties) ? current.properties[segment.name] : undefined;
    else
      current = Array.isArray(current.prefixItems)
        ? current.prefixItems[segment.index]
        : current.items;
  }
  return current;
}

/** Whether a schema explicitly admits `null` (`type: null`, a type list with null, `nullable`). */
function schemaAllowsNull(schema: unknown): boolean {
  if (!isObject(schema)) return false;
  if (schema.type === 'null' || schema.nullable === true) return true;
  if (Array.isArray(schema.type) && schema.type.includes('null')) return true;
  const variants = [schema.anyOf, schema.oneOf].flatMap((v) =>
    Array.isArray(v) ? (v as unknown[]) : [],
  );
  return variants.some(schemaAllowsNull);
}

/**
 * Checks a step's `skipIf`: its expression, references and keys, and warns when what it refers
 * to may be null (we do not skip on null; the reference implementation does).
 */
export function checkSkipIf(
  steps: FlowSteps,
  scope: StepScope,
  skipIfValue: unknown,
  path: DocumentPath,
): void {
  const { check } = steps;
  const { stepId } = scope;
  const issues: TemplateIssue[] = [];
  const skipIf = compileExpr(skipIfValue, issues);
  check.templateIssues(issues, path, stepId, 'skipIf');
  scope.checkReferences(skipIf, 'skipIf', path);
  if (isObject(skipIfValue) && Object.hasOwn(skipIfValue, '$from'))
    check.referenceKeys(skipIfValue, path, 'skipIf', stepId);
  if (skipIf.kind !== 'ref') return;
  const target =
    skipIf.source.kind === 'input'
      ? steps.doc
      : steps.steps[steps.indexById.get(skipIf.source.stepId) ?? -1];
  const schema = isObject(target)
    ? skipIf.source.kind === 'input'
      ? target.inputSchema
      : target.outputSchema
    : undefined;
  if (schemaAllowsNull(schemaAt(schema, skipIf.path))) {
    check.add(
      'warning',
      'skipIfNull',
      `Step '${stepId}': skipIf may resolve to null, which does not skip here (the reference implementation treats null as truthy and skips)`,
      path,
      { stepId, field: 'skipIf' },
    );
  }
}
