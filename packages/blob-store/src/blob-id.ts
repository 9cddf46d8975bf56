import { createHash } from 'node:crypto';

/**
 * Serialises a value the way blob ids are computed: compact JSON with keys in their received
 * order (what `JSON.stringify` gives for a parsed value).
 */
export function canonicalBlobText(data: unknown): string {
  const text = JSON.stringify(data);
  if (text === undefined) {
    throw new TypeError('A blob must be a JSON value (got undefined or a function)');
  }
  return text;
}

/** Computes the blob id of a JSON value: lowercase hex SHA-256 of its compact JSON text. */
export function blobIdOf(data: unknown): string {
  return blobIdOfText(canonicalBlobText(data));
}

/** Computes the blob id of already-serialised compact JSON text. */
export function blobIdOfText(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

const BLOB_ID = /^[0-9a-f]{64}$/;

/** Whether `id` is syntactically a blob id (64 lowercase hex characters). */
export function isBlobId(id: unknown): id is string {
  return typeof id === 'string' && BLOB_ID.test(id);
}
