import { type PathSegment, PathSyntaxError, formatPath, parsePath } from './json-path.ts';

/** A reference source: the workflow input or a step. */
export type RefSource =
  { readonly kind: 'input' } | { readonly kind: 'step'; readonly stepId: string };

/** A compiled reference expression. */
export interface RefNode {
  readonly kind: 'ref';
  readonly source: RefSource;
  readonly path: readonly PathSegment[];
  /** The path as written (for messages). */
  readonly pathText: string;
  /** `onSkip: useDefault` value (`undefined`: skips propagate). */
  readonly onSkipDefault: { readonly value: unknown } | undefined;
}

/** A template compiled once per flow so each run only walks references. */
export type TemplateNode =
  | { readonly kind: 'literal'; readonly value: unknown }
  | RefNode
  | {
      readonly kind: 'object';
      readonly keys: readonly string[];
      readonly values: readonly TemplateNode[];
    }
  | { readonly kind: 'array'; readonly items: readonly TemplateNode[] };

/** A problem found while compiling a template, with its location relative to the template. */
export interface TemplateIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
  /** `invalidPath` for path grammar errors, `invalidExpression` for malformed `$from`/`onSkip`. */
  readonly type: 'invalidPath' | 'invalidExpression';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Compiles a reference object (`{$from, path?, onSkip?}`); issues are appended and a broken
 * reference compiles to a literal `null`.
 */
export function compileReference(
  value: Record<string, unknown>,
  issues: TemplateIssue[],
  at: readonly (string | number)[] = [],
): TemplateNode {
  const from = value.$from;
  let source: RefSource | undefined;
  if (!isObject(from)) {
    issues.push({
      path: [...at, '$from'],
      type: 'invalidExpression',
      message: `Invalid expression: $from must be an object ({workflow: input} or {step: <id>}), got ${JSON.stringify(from)}`,
    });
  } else if (typeof from.step === 'string') {
    source = { kind: 'step', stepId: from.step };
  } else if (from.workflow === 'input') {
    source = { kind: 'input' };
  } else {
    issues.push({
      path: [...at, '$from'],
      type: 'invalidExpression',
      message: `Invalid expression: $from must be {workflow: input} or {step: <id>}, got ${JSON.stringify(from)}`,
    });
  }
  let path: PathSegment[] = [];
  const rawPath = value.path;
  if (rawPath !== undefined && rawPath !== null && typeof rawPath !== 'string') {
    issues.push({
      path: [...at, 'path'],
      type: 'invalidPath',
      message: `Invalid path: expected a string, got ${JSON.stringify(rawPath)}`,
    });
  } else {
    try {
      path = parsePath(rawPath);
    } catch (error) {
      if (!(error instanceof PathSyntaxError)) throw error;
      issues.push({
        path: [...at, 'path'],
        type: 'invalidPath',
        message: `Invalid path '${String(rawPath)}': ${error.message}`,
      });
    }
  }
  let onSkipDefault: RefNode['onSkipDefault'];
  const onSkip = value.onSkip;
  if (onSkip !== undefined && onSkip !== null) {
    if (!isObject(onSkip) || (onSkip.action !== 'skip' && onSkip.action !== 'useDefault')) {
      issues.push({
        path: [...at, 'onSkip'],
        type: 'invalidExpression',
        message: `Invalid onSkip: expected {action: skip} or {action: useDefault, defaultValue?}, got ${JSON.stringify(onSkip)}`,
      });
    } else if (onSkip.action === 'useDefault') {
      onSkipDefault = { value: onSkip.defaultValue ?? null };
    }
  }
  if (!source) return { kind: 'literal', value: null };
  return {
    kind: 'ref',
    source,
    path,
    pathText: typeof rawPath === 'string' ? rawPath : '',
    onSkipDefault,
  };
}

/**
 * Compiles a value template (§2.1): objects holding `$from` are references, objects holding
 * `$literal` are returned verbatim, other containers are walked. Subtrees without references
 * compile to one literal.
 */
export function compileTemplate(
  template: unknown,
  issues: TemplateIssue[] = [],
  at: readonly (string | number)[] = [],
): TemplateNode {
  if (Array.isArray(template)) {
    const items = template.map((item, index) => compileTemplate(item, issues, [...at, index]));
    if (items.every((item, index) => item.kind === 'literal' && item.value === template[index])) {
      return { kind: 'literal', value: template };
    }
    return { kind: 'array', items };
  }
  if (!isObject(template)) return { kind: 'literal', value: template };
  if (Object.hasOwn(template, '$from')) return compileReference(template, issues, at);
  if (Object.hasOwn(template, '$literal')) return { kind: 'literal', value: template.$literal };
  const keys = Object.keys(template);
  const values = keys.map((key) => compileTemplate(template[key], issues, [...at, key]));
  if (
    values.every(
      (value, index) => value.kind === 'literal' && value.value === template[keys[index]!],
    )
  ) {
    return { kind: 'literal', value: template };
  }
  return { kind: 'object', keys, values };
}

/**
 * Compiles a `skipIf` expression: only a top-level `$from` object is a reference; `$literal`
 * unwraps; anything else is a literal.
 */
export function compileExpr(expr: unknown, issues: TemplateIssue[] = []): TemplateNode {
  if (isObject(expr) && Object.hasOwn(expr, '$from')) return compileReference(expr, issues);
  if (isObject(expr) && Object.hasOwn(expr, '$literal'))
    return { kind: 'literal', value: expr.$literal };
  return { kind: 'literal', value: expr };
}

/** Calls `visit` for every reference in a compiled template, with its location. */
export function forEachReference(node: TemplateNode, visit: (ref: RefNode) => void): void {
  switch (node.kind) {
    case 'ref':
      visit(node);
      return;
    case 'object':
      for (const value of node.values) forEachReference(value, visit);
      return;
    case 'array':
      for (const item of node.items) forEachReference(item, visit);
      return;
    default:
      return;
  }
}

/** Describes a reference for messages, e.g. `{$from: {step: load}, path: '$.items[0]'}`. */
export function describeReference(ref: RefNode): string {
  const source = ref.source.kind === 'input' ? '{workflow: input}' : `{step: ${ref.source.stepId}}`;
  const path = ref.pathText === '' ? '' : `, path: '${ref.pathText}'`;
  return `{$from: ${source}${path}}`;
}

/** Re-exported for serialisation of normalised paths. */
export { formatPath };
