const MARKER = Symbol.for('@stepflow/blob-store/BlobCorruptedError');

/**
 * Thrown by a store when a stored blob cannot be trusted: its content does not hash to its id,
 * or its record is unreadable. A store never returns such a blob.
 */
export class BlobCorruptedError extends Error {
  override readonly name = 'BlobCorruptedError';
  /** Stable, readable error code (local error: never serialised onto the wire). */
  readonly code = 'blob-corrupted';
  /** The id that was asked for. */
  readonly blobId: string;
  /** Where the blob lives (a file path, a table row, …), for the operator. */
  readonly location: string;
  private readonly [MARKER] = true;

  constructor(blobId: string, location: string, detail: string, options?: { cause?: unknown }) {
    super(`Blob ${blobId} is corrupted (${location}): ${detail}`, options);
    this.blobId = blobId;
    this.location = location;
  }

  /** Whether `error` is a `BlobCorruptedError`, also across duplicate copies of this package. */
  static isInstance(error: unknown): error is BlobCorruptedError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}
