import { z } from 'zod';

/** Schema for a blob id: lowercase hex SHA-256 of the blob's compact JSON (not checked on the wire). */
export const BlobIdSchema = z.string();

/** A blob id: lowercase hex SHA-256 of the blob's compact JSON. */
export type BlobId = z.infer<typeof BlobIdSchema>;

/**
 * Schema for the observability context sent with protocol requests for trace correlation.
 *
 * Every field may be absent or `null`: `trace_id`/`span_id` appear only when tracing is enabled,
 * `run_id`/`flow_id` only for execution requests, `step_id` only for step-level work.
 */
export const ObservabilityContextSchema = z.looseObject({
  /** OpenTelemetry trace id (32 hex characters). */
  trace_id: z.string().nullish(),
  /** OpenTelemetry span id (16 hex characters) to parent the receiver's spans on. */
  span_id: z.string().nullish(),
  /** The id of the run being executed. */
  run_id: z.string().nullish(),
  /** The id (blob id) of the flow being executed. */
  flow_id: BlobIdSchema.nullish(),
  /** The id of the step being executed. */
  step_id: z.string().nullish(),
});

/** Observability context for distributed tracing and log correlation. */
export type ObservabilityContext = z.infer<typeof ObservabilityContextSchema>;
