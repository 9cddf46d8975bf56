import type { TemplateIssue } from '../expressions/compile-template.ts';
import { compileJsonSchema } from '../internal/json-schema.ts';
import type { Diagnostic, DiagnosticLevel } from './diagnostic.ts';
import { didYouMean } from './did-you-mean.ts';

/** Where a diagnostic points: a path into the document, and the step and field when known. */
export type DocumentPath = readonly (string | number)[];

/** The step and field a diagnostic is about. */
export interface DiagnosticSubject {
  readonly stepId?: string | undefined;
  readonly field?: string;
}

const REFERENCE_KEYS = ['$from', 'path', 'onSkip'];
const SKIP_ACTION_KEYS = ['action', 'defaultValue'];

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The diagnostics of one flow being validated, and the checks every part of it shares. */
export class FlowCheck {
  readonly diagnostics: Diagnostic[] = [];

  constructor(readonly file: string | undefined) {}

  add(
    level: DiagnosticLevel,
    type: string,
    message: string,
    path: DocumentPath,
    subject: DiagnosticSubject = {},
  ): void {
    this.diagnostics.push({
      level,
      type,
      message,
      path: [...path],
      ...(this.file === undefined ? {} : { file: this.file }),
      ...(subject.stepId === undefined ? {} : { stepId: subject.stepId }),
      ...(subject.field === undefined ? {} : { field: subject.field }),
    });
  }

  /** Reports keys outside `known`: a near miss of a known key is fatal, others are warnings. */
  unknownKeys(
    value: Record<string, unknown>,
    known: readonly string[],
    path: DocumentPath,
    what: string,
    stepId?: string,
  ): void {
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      // A misspelt key (`timeoutMS`, `inptu`) would drop what it sets without a word: fatal.
      const suggestion = didYouMean(key, known);
      this.add(
        suggestion === undefined ? 'warning' : 'fatal',
        suggestion === undefined ? 'unknownKey' : 'misspelledKey',
        suggestion === undefined
          ? `Unknown key '${key}' in ${what}; it is ignored`
          : `Unknown key '${key}' in ${what} (did you mean '${suggestion}'?): as written it would be ignored`,
        [...path, key],
        { ...(stepId === undefined ? {} : { stepId }), field: key },
      );
    }
  }

  /** Unknown keys of a `$from` reference (and of its `onSkip`). */
  referenceKeys(value: Record<string, unknown>, path: DocumentPath, what: string, stepId?: string) {
    this.unknownKeys(value, REFERENCE_KEYS, path, what, stepId);
  }

  /** Reports what compiling a template found wrong, as fatal diagnostics. */
  templateIssues(
    issues: readonly TemplateIssue[],
    path: DocumentPath,
    stepId: string | undefined,
    field: string,
  ): void {
    for (const issue of issues) {
      const where = stepId === undefined ? field : `step '${stepId}' ${field}`;
      this.add('fatal', issue.type, `${issue.message} (in ${where})`, [...path, ...issue.path], {
        ...(stepId === undefined ? {} : { stepId }),
        field,
      });
    }
  }

  /** Unknown keys of every reference and `onSkip` within a template, at any depth. */
  templateKeys(value: unknown, path: DocumentPath, stepId: string | undefined): void {
    if (Array.isArray(value)) {
      value.forEach((item, index) => this.templateKeys(item, [...path, index], stepId));
      return;
    }
    if (!isObject(value)) return;
    if (Object.hasOwn(value, '$from')) {
      this.referenceKeys(value, path, 'a reference', stepId);
      if (isObject(value.onSkip))
        this.unknownKeys(value.onSkip, SKIP_ACTION_KEYS, [...path, 'onSkip'], 'onSkip', stepId);
      return;
    }
    if (Object.hasOwn(value, '$literal')) return;
    for (const [key, child] of Object.entries(value))
      this.templateKeys(child, [...path, key], stepId);
  }

  /** Warns about an `inputSchema` or `outputSchema` that is not a valid JSON Schema. */
  schemas(
    owner: Record<string, unknown>,
    describe: (key: string) => string,
    path: DocumentPath,
    stepId?: string,
  ): void {
    for (const key of ['inputSchema', 'outputSchema'] as const) {
      const schema = owner[key];
      if (schema === undefined || schema === null) continue;
      const problem = compileJsonSchema(schema).problem;
      if (problem)
        this.add(
          'warning',
          'invalidSchema',
          `${describe(key)} is not a valid JSON Schema: ${problem}`,
          [...path, key],
          { ...(stepId === undefined ? {} : { stepId }), field: key },
        );
    }
  }
}
