import { type LogFields, type Logger, redactSecrets } from '@stepflow/runtime';
import { LOG_LEVELS, type LogFormat, type LogLevel } from './log-level.ts';

export { LOG_LEVELS, type LogFormat, type LogLevel };

/** Options of {@link createCliLogger}. */
export interface CliLoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Where lines go (stderr: stdout carries only command output). */
  readonly write: (line: string) => void;
  /** Time source for timestamps. */
  readonly now?: () => Date;
}

/**
 * Creates the logger the CLI hands to the runtime; values under secret-looking keys, at any depth,
 * are redacted (`redactSecrets`).
 */
export function createCliLogger(options: CliLoggerOptions): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level);
  const now = options.now ?? (() => new Date());
  const emit =
    (level: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields?: LogFields): void => {
      if (LOG_LEVELS.indexOf(level) < threshold) return;
      const safe = fields ? maskSecrets(fields) : undefined;
      const time = now().toISOString();
      if (options.format === 'json') {
        options.write(`${JSON.stringify({ time, level, msg: message, ...safe })}\n`);
        return;
      }
      const suffix = safe
        ? Object.entries(safe)
            .map(
              ([key, value]) =>
                ` ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
            )
            .join('')
        : '';
      options.write(`${time} ${level.toUpperCase().padEnd(5)} ${message}${suffix}\n`);
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

function maskSecrets(fields: LogFields): LogFields {
  const plain: LogFields = {};
  for (const [key, value] of Object.entries(fields))
    plain[key] = value instanceof Error ? value.message : value;
  return redactSecrets(plain);
}
