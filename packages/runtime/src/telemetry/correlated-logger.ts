import type { LogFields, Logger } from '../logger.ts';

/**
 * A logger that adds `fields` (a step's `run_id`, `step_id`, `trace_id`, `span_id`) to every line,
 * so log lines and traces can be joined; the line's own fields win on a clash.
 */
export function correlatedLogger(logger: Logger, fields: LogFields): Logger {
  const merged = (own?: LogFields): LogFields =>
    own === undefined ? fields : { ...fields, ...own };
  return {
    debug: (message, own) => logger.debug(message, merged(own)),
    info: (message, own) => logger.info(message, merged(own)),
    warn: (message, own) => logger.warn(message, merged(own)),
    error: (message, own) => logger.error(message, merged(own)),
  };
}
