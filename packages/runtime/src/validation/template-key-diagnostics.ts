import type { Diagnostic } from './diagnostic.ts';
import { didYouMean } from './did-you-mean.ts';

/** The keys that make an object in a value template an expression. */
const EXPRESSION_KEYS = ['$from', '$literal'];

/**
 * JSON Schema's own `$` keywords: schemas are common data in step inputs (structured output,
 * validation), so these keys are data, not misspelt expressions.
 */
const JSON_SCHEMA_KEYWORDS = new Set([
  '$schema',
  '$id',
  '$ref',
  '$defs',
  '$comment',
  '$anchor',
  '$dynamicRef',
  '$dynamicAnchor',
  '$vocabulary',
  '$recursiveRef',
  '$recursiveAnchor',
]);

/** Where the template sits, for messages and diagnostics. */
export interface TemplateSite {
  readonly file: string | undefined;
  readonly stepId: string | undefined;
  /** `input`, `skipIf`, `output`. */
  readonly field: string;
  readonly path: readonly (string | number)[];
}

/**
 * Diagnostics for `$` keys that are not expressions in a value template, iteratively. An object
 * with `$form` (for `$from`) would be passed on as plain data and the flow would run with the
 * wrong value, so a near miss of `$from` or `$literal` is fatal with a did-you-mean; any other
 * `$` key (`$input`, `$template`: constructs of other Stepflow versions) is an error. Objects
 * inside `$literal` are data and are not looked into.
 */
export function templateKeyDiagnostics(value: unknown, site: TemplateSite): Diagnostic[] {
  const found: Diagnostic[] = [];
  const where = site.stepId === undefined ? site.field : `step '${site.stepId}' ${site.field}`;
  const stack: { value: unknown; path: readonly (string | number)[] }[] = [
    { value, path: site.path },
  ];
  while (stack.length > 0) {
    const { value: node, path } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    // Children are pushed last first, so findings come in document order.
    if (Array.isArray(node)) {
      for (let index = node.length - 1; index >= 0; index--)
        stack.push({ value: node[index], path: [...path, index] });
      continue;
    }
    // A reference's own keys are checked with the reference (`validateFlow`).
    if (Object.hasOwn(node, '$literal') || Object.hasOwn(node, '$from')) continue;
    const entries: [string, unknown][] = Object.entries(node);
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, child] = entries[index]!;
      stack.push({ value: child, path: [...path, key] });
    }
    for (const [key] of entries) {
      if (!key.startsWith('$') || EXPRESSION_KEYS.includes(key) || JSON_SCHEMA_KEYWORDS.has(key))
        continue;
      const suggestion = didYouMean(key, EXPRESSION_KEYS);
      found.push({
        level: suggestion === undefined ? 'error' : 'fatal',
        type: 'unknownExpressionKey',
        message:
          suggestion === undefined
            ? `Unknown expression key '${key}' in ${where}: only $from and $literal are expressions (to pass the object on as data, wrap it in {$literal: …})`
            : `Unknown expression key '${key}' in ${where} (did you mean '${suggestion}'?): as written the object would be passed on as plain data`,
        path: [...path, key],
        ...(site.file === undefined ? {} : { file: site.file }),
        ...(site.stepId === undefined ? {} : { stepId: site.stepId }),
        field: site.field,
      });
    }
  }
  return found;
}
