import type { ComponentLogLevel } from '../component-context.ts';

/** Who logs: the execution a log line is attributed to. */
export interface LogLineTags {
  readonly component: string;
  readonly attempt: number;
  readonly runId: string | undefined;
  readonly flowId: string | undefined;
  readonly stepId: string | undefined;
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
}

/**
 * One log line of a component as JSON (no newline): `level`, `msg`, the component and the ids of
 * its execution (`run_id`, `flow_id`, `step_id`, `trace_id`, `span_id`), `attempt`, and the
 * caller's `fields` nested (they cannot overwrite the ids). The runtime reading the server's
 * stderr turns such lines into log records of that step. Fields that do not serialise are
 * replaced by a note, never dropped silently.
 */
export function formatComponentLogLine(
  level: ComponentLogLevel,
  message: string,
  fields: Record<string, unknown> | undefined,
  tags: LogLineTags,
): string {
  const record: Record<string, unknown> = {
    level,
    msg: message,
    component: tags.component,
    ...(tags.runId === undefined ? {} : { run_id: tags.runId }),
    ...(tags.flowId === undefined ? {} : { flow_id: tags.flowId }),
    ...(tags.stepId === undefined ? {} : { step_id: tags.stepId }),
    ...(tags.traceId === undefined ? {} : { trace_id: tags.traceId }),
    ...(tags.spanId === undefined ? {} : { span_id: tags.spanId }),
    attempt: tags.attempt,
  };
  if (fields === undefined) return JSON.stringify(record);
  try {
    return JSON.stringify({ ...record, fields });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return JSON.stringify({ ...record, fields: { unserialisable: why } });
  }
}
