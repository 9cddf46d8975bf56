import type { Diagnostic } from '../validation/diagnostic.ts';
import { hasErrorMarker, markError } from './error-marker.ts';

const NAME = 'FlowValidationError';

/** Thrown by `Runtime.run` when the flow has fatal diagnostics (nothing is run). */
export class FlowValidationError extends Error {
  override readonly name = NAME;
  /** The blocking diagnostics (level `fatal`, or `error` where the caller asked for strictness). */
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[]) {
    super(`The flow is invalid:\n${diagnostics.map((d) => `  - ${d.message}`).join('\n')}`);
    this.diagnostics = diagnostics;
    markError(this, NAME);
  }

  /** Whether `value` is a `FlowValidationError` (works across package copies). */
  static isInstance(value: unknown): value is FlowValidationError {
    return hasErrorMarker(value, NAME);
  }
}
