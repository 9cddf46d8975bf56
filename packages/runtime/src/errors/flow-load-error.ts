import { hasErrorMarker, markError } from './error-marker.ts';

const NAME = 'FlowLoadError';

/** Thrown when a flow file cannot be read or parsed; names the file and, when known, the line. */
export class FlowLoadError extends Error {
  override readonly name = NAME;
  /** The file at fault (or the `fileName` given to `parseFlowText`). */
  readonly file: string | undefined;
  /** 1-based line of the problem, when the parser reported one. */
  readonly line: number | undefined;
  /** 1-based column of the problem, when the parser reported one. */
  readonly column: number | undefined;

  constructor(
    message: string,
    options: { file?: string; line?: number; column?: number; cause?: unknown } = {},
  ) {
    const where =
      options.file === undefined
        ? ''
        : options.line === undefined
          ? `${options.file}: `
          : `${options.file}:${options.line}${options.column === undefined ? '' : `:${options.column}`}: `;
    super(`${where}${message}`, { cause: options.cause });
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    markError(this, NAME);
  }

  /** Whether `value` is a `FlowLoadError` (works across package copies). */
  static isInstance(value: unknown): value is FlowLoadError {
    return hasErrorMarker(value, NAME);
  }
}
