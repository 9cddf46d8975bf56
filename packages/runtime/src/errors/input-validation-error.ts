import { hasErrorMarker, markError } from './error-marker.ts';

const NAME = 'InputValidationError';

/** One way in which a flow input does not match the flow's `inputSchema`. */
export interface InputViolation {
  /** JSON pointer of the offending value inside the input (`""` for the input itself). */
  readonly path: string;
  /** What is wrong, e.g. `must have required property 'name'`. */
  readonly message: string;
}

/**
 * Thrown by `Runtime.run` before anything runs when the input violates the flow's `inputSchema`
 * or is nested deeper than `MAX_VALUE_DEPTH`.
 */
export class InputValidationError extends Error {
  override readonly name = NAME;
  /** Every violation found (not only the first). */
  readonly violations: readonly InputViolation[];

  /**
   * `problem` says what is wrong as a whole (default `does not match its inputSchema`); the
   * violations are listed under it.
   */
  constructor(
    violations: readonly InputViolation[],
    options: { flowName?: string; problem?: string } = {},
  ) {
    const subject = options.flowName ? `input of flow '${options.flowName}'` : 'flow input';
    const lines = violations.map((v) => `  - ${v.path === '' ? '(input)' : v.path}: ${v.message}`);
    const problem = options.problem ?? 'does not match its inputSchema';
    super(`The ${subject} ${problem}:\n${lines.join('\n')}`);
    this.violations = violations;
    markError(this, NAME);
  }

  /** Whether `value` is an `InputValidationError` (works across package copies). */
  static isInstance(value: unknown): value is InputValidationError {
    return hasErrorMarker(value, NAME);
  }
}
