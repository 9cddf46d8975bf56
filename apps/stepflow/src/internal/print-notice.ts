import type { LogFields } from '@stepflow/runtime';
import type { CliContext } from './cli-context.ts';

/**
 * Writes a line the user always needs (a durable run's id, how to resume it) to stderr whatever
 * the log level: `stepflow: message` as text, or a JSON line like the logger's with `--log-format
 * json`.
 */
export function printNotice(context: CliContext, message: string, fields: LogFields = {}): void {
  if (context.logFormat === 'json') {
    const line = { time: new Date().toISOString(), level: 'notice', msg: message, ...fields };
    context.io.writeErr(`${JSON.stringify(line)}\n`);
  } else {
    context.io.writeErr(`stepflow: ${message}\n`);
  }
}
