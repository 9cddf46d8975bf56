import { hasErrorMarker, markError } from './error-marker.ts';

const NAME = 'DocumentError';

/** What is wrong with a document: why it could not be read or parsed. */
export type DocumentErrorCode = 'syntax' | 'tooLarge' | 'encoding' | 'tooDeep' | 'duplicateKey';

/**
 * Thrown when a flow, config or input document cannot be read or parsed: bad syntax, too large,
 * not UTF-8, nested too deeply or a key given twice. The message names the problem but not the
 * file: callers know the file and wrap it (`FlowLoadError`, `ConfigError`, a CLI error).
 */
export class DocumentError extends Error {
  override readonly name = NAME;
  /** What kind of problem this is. */
  readonly code: DocumentErrorCode;
  /** 1-based line of the problem, when known. */
  readonly line: number | undefined;
  /** 1-based column of the problem, when known. */
  readonly column: number | undefined;
  /** 0-based byte offset of the problem (encoding errors). */
  readonly offset: number | undefined;

  constructor(
    code: DocumentErrorCode,
    message: string,
    options: { line?: number; column?: number; offset?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.line = options.line;
    this.column = options.column;
    this.offset = options.offset;
    markError(this, NAME);
  }

  /** Whether `value` is a `DocumentError` (works across package copies). */
  static isInstance(value: unknown): value is DocumentError {
    return hasErrorMarker(value, NAME);
  }
}
