/** The kind of a stored blob: plain JSON data, or a flow document. */
export type BlobType = 'data' | 'flow';

/** A blob as a store returns it. */
export interface StoredBlob {
  /** The content address: lowercase hex SHA-256 of the compact JSON text. */
  readonly id: string;
  /** The JSON value, as it was put. */
  readonly data: unknown;
  /** The type given when the blob was first put. */
  readonly blobType: BlobType;
}

/**
 * A content-addressed store of JSON values.
 *
 * Putting the same content twice is a no-op that returns the same id; the first `blobType` wins
 * (so memory, filesystem and SQL stores all agree). Implementations never return a blob whose
 * content does not hash to its id.
 */
export interface BlobStore {
  /** Stores `data` and returns its id. */
  put(data: unknown, blobType?: BlobType): Promise<string>;
  /** Returns the blob with this id, or `undefined` when there is none. */
  get(id: string): Promise<StoredBlob | undefined>;
  /** Whether a blob with this id is stored. */
  has(id: string): Promise<boolean>;
}
