/** Structured fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/** Where the runtime and its plugins write logs. Never stdout: the CLI maps it to stderr. */
export interface Logger {
  /** Detail useful when debugging. */
  debug(message: string, fields?: LogFields): void;
  /** Normal operation. */
  info(message: string, fields?: LogFields): void;
  /** Something unexpected that did not stop the work. */
  warn(message: string, fields?: LogFields): void;
  /** A failure. */
  error(message: string, fields?: LogFields): void;
}

/** A logger that drops everything (the default). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
