import { hasErrorMarker, markError } from './error-marker.ts';

const NAME = 'ConfigError';

/** Thrown for a configuration that cannot be used; names the file and the field at fault. */
export class ConfigError extends Error {
  override readonly name = NAME;
  /** The config file at fault, when the config came from a file. */
  readonly file: string | undefined;
  /** Dotted path of the field at fault, e.g. `plugins.python.command`. */
  readonly field: string | undefined;

  constructor(message: string, options: { file?: string; field?: string; cause?: unknown } = {}) {
    const where = [options.file, options.field].filter((part) => part !== undefined).join(': ');
    super(where === '' ? message : `${where}: ${message}`, { cause: options.cause });
    this.file = options.file;
    this.field = options.field;
    markError(this, NAME);
  }

  /** Whether `value` is a `ConfigError` (works across package copies). */
  static isInstance(value: unknown): value is ConfigError {
    return hasErrorMarker(value, NAME);
  }
}
