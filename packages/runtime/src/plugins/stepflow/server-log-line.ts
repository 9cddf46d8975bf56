import type { LogFields } from '../../logger.ts';

/** Longest stderr line read as a structured log line; longer ones are logged as text. */
export const MAX_SERVER_LOG_LINE = 64 * 1024;
/** Deepest nesting of a structured line's `fields`; deeper ones are logged as text. */
const MAX_FIELDS_DEPTH = 16;
/** Longest id or component name taken from a structured line. */
const MAX_ID_LENGTH = 512;

/** Severity of a structured log line (the logger's levels). */
export type ServerLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A structured log line of a component server, checked. */
export interface ServerLogRecord {
  readonly level: ServerLogLevel;
  readonly message: string;
  /** The line's ids (`run_id`, `flow_id`, `step_id`, `trace_id`, `span_id`), `component`, `attempt` and `fields`. */
  readonly fields: LogFields;
}

const LEVELS: ReadonlySet<string> = new Set(['debug', 'info', 'warn', 'error']);
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Checks one id-like value: a bounded string without control characters (no forged log lines). */
function plainText(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_ID_LENGTH &&
    !CONTROL.test(value)
  );
}

function withinDepth(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (depth === 0) return false;
  for (const entry of Object.values(value)) if (!withinDepth(entry, depth - 1)) return false;
  return true;
}

/**
 * Reads one line a component server wrote to stderr as a structured log line, the JSON object the
 * server SDKs' `context.log` writes: `msg` (string), `level` (`debug`/`info`/`warn`/`error`,
 * default `info`) and, each optional, `run_id`, `flow_id`, `step_id`, `component` (strings),
 * `trace_id` (32 lowercase hex digits), `span_id` (16), `attempt` (positive integer) and `fields`
 * (an object). Anything else — not JSON, too long, a field of the wrong type or format, control
 * characters in the message or an id, `fields` nested too deep — returns `undefined`: the line is
 * then logged as plain text, as lines that are not JSON are. Unknown keys are dropped.
 */
export function parseServerLogLine(line: string): ServerLogRecord | undefined {
  if (line.length > MAX_SERVER_LOG_LINE || !line.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const { msg, level = 'info' } = record;
  if (typeof msg !== 'string' || CONTROL.test(msg)) return undefined;
  if (typeof level !== 'string' || !LEVELS.has(level)) return undefined;
  const fields: LogFields = {};
  for (const key of ['component', 'run_id', 'flow_id', 'step_id'] as const) {
    const id = record[key];
    if (id === undefined) continue;
    if (!plainText(id)) return undefined;
    fields[key] = id;
  }
  const { trace_id: traceId, span_id: spanId, attempt, fields: extra } = record;
  if (traceId !== undefined) {
    if (typeof traceId !== 'string' || !TRACE_ID.test(traceId)) return undefined;
    fields.trace_id = traceId;
  }
  if (spanId !== undefined) {
    if (typeof spanId !== 'string' || !SPAN_ID.test(spanId)) return undefined;
    fields.span_id = spanId;
  }
  if (attempt !== undefined) {
    if (typeof attempt !== 'number' || !Number.isSafeInteger(attempt) || attempt < 1)
      return undefined;
    fields.attempt = attempt;
  }
  if (extra !== undefined) {
    if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) return undefined;
    if (!withinDepth(extra, MAX_FIELDS_DEPTH)) return undefined;
    fields.fields = extra;
  }
  return { level: level as ServerLogLevel, message: msg, fields };
}
