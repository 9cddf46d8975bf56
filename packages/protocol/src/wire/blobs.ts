import { z } from 'zod';
import { JsonValueSchema } from '../json-value.ts';
import type { RequestMethodDefinition } from '../method-definition.ts';
import { BlobIdSchema, ObservabilityContextSchema } from './observability.ts';

/** Schema for the kind of a stored blob: plain `data` or a `flow` document. */
export const BlobTypeSchema = z.enum(['flow', 'data']);

/** The kind of a stored blob. */
export type BlobType = z.infer<typeof BlobTypeSchema>;

/** Schema for `blobs/put` params. */
export const PutBlobParamsSchema = z.looseObject({
  /** The value to store (any JSON). */
  data: JsonValueSchema,
  /** What the value is; `flow` blobs must parse as a flow. */
  blob_type: BlobTypeSchema,
  /** Trace context of the calling component. */
  observability: ObservabilityContextSchema.nullish(),
});

/** Params of `blobs/put`. */
export type PutBlobParams = z.infer<typeof PutBlobParamsSchema>;

/** Schema for the `blobs/put` result. */
export const PutBlobResultSchema = z.looseObject({
  /** Content-addressed id of the stored value. */
  blob_id: BlobIdSchema,
});

/** Result of `blobs/put`. */
export type PutBlobResult = z.infer<typeof PutBlobResultSchema>;

/** Schema for `blobs/get` params. */
export const GetBlobParamsSchema = z.looseObject({
  /** Id of the blob to fetch. */
  blob_id: BlobIdSchema,
  /** Trace context of the calling component. */
  observability: ObservabilityContextSchema.nullish(),
});

/** Params of `blobs/get`. */
export type GetBlobParams = z.infer<typeof GetBlobParamsSchema>;

/** Schema for the `blobs/get` result. */
export const GetBlobResultSchema = z.looseObject({
  /** The stored value. */
  data: JsonValueSchema,
  /** The type it was stored with. */
  blob_type: BlobTypeSchema,
});

/** Result of `blobs/get`. */
export type GetBlobResult = z.infer<typeof GetBlobResultSchema>;

/** The blob methods, both server → runtime. */
export const blobMethods = {
  'blobs/put': {
    direction: 'serverToRuntime',
    kind: 'request',
    params: PutBlobParamsSchema,
    result: PutBlobResultSchema,
  },
  'blobs/get': {
    direction: 'serverToRuntime',
    kind: 'request',
    params: GetBlobParamsSchema,
    result: GetBlobResultSchema,
  },
} as const satisfies Record<string, RequestMethodDefinition>;
