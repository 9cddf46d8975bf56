/** How serious a diagnostic is: `fatal` blocks execution, `error` makes `run`/`validate` refuse. */
export type DiagnosticLevel = 'fatal' | 'error' | 'warning';

/**
 * One finding of static validation, naming the file, the step and the field at fault.
 *
 * `type` is a stable camelCase identifier (REF names where they exist, e.g. `duplicateStepId`,
 * `undefinedStepReference`, `unreachableStep`, plus `unknownKey`, `misspelledKey`,
 * `unknownExpressionKey`, `aliasUsed`, `invalidPath`, …).
 */
export interface Diagnostic {
  /** Severity. */
  readonly level: DiagnosticLevel;
  /** Stable identifier of the kind of finding. */
  readonly type: string;
  /** Human-readable text. */
  readonly message: string;
  /** Location in the flow document, e.g. `['steps', 1, 'input', 'name']`. */
  readonly path: readonly (string | number)[];
  /** The flow file, when known. */
  readonly file?: string;
  /** The step concerned, when the finding is about a step. */
  readonly stepId?: string;
  /** The field concerned (`input`, `skipIf`, `onError`, `component`, …). */
  readonly field?: string;
}
