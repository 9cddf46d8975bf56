import { hasErrorMarker, markError } from './error-marker.ts';
import type { InputViolation } from './input-validation-error.ts';

const NAME = 'AnswerError';

/**
 * Why an answer was refused: `no-question` (nothing asked at that run and step), `invalid-answer`
 * (it breaks the question's schema: every violation is listed), `already-answered` (someone
 * answered first) or `closed` (the question timed out or its run ended).
 */
export type AnswerErrorCode = 'no-question' | 'invalid-answer' | 'already-answered' | 'closed';

/** Thrown by `Runtime.answer` when an answer is refused; the run is left as it was. */
export class AnswerError extends Error {
  override readonly name = NAME;
  /** Why the answer was refused. */
  readonly code: AnswerErrorCode;
  /** For `invalid-answer`: every way the answer breaks the question's schema. */
  readonly violations: readonly InputViolation[];

  constructor(code: AnswerErrorCode, message: string, violations: readonly InputViolation[] = []) {
    super(message);
    this.code = code;
    this.violations = violations;
    markError(this, NAME);
  }

  /** Whether `value` is an `AnswerError` (with `code` when given), across package copies. */
  static isInstance(value: unknown, code?: AnswerErrorCode): value is AnswerError {
    return (
      hasErrorMarker(value, NAME) && (code === undefined || (value as AnswerError).code === code)
    );
  }
}
