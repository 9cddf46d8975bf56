import {
  BlobCorruptedError,
  blobIdOfText,
  canonicalBlobText,
  isBlobId,
  type BlobStore,
  type BlobType,
  type StoredBlob,
} from '@stepflow/blob-store';
import type { SqliteConnection } from './sqlite-connection.ts';

/** Blobs in the `blobs` table; every read re-hashes the content. */
export class SqliteBlobStore implements BlobStore {
  constructor(private readonly c: SqliteConnection) {}

  async put(data: unknown, blobType: BlobType = 'data'): Promise<string> {
    const text = canonicalBlobText(data);
    return this.c.write(() => this.c.putText(text, blobType));
  }

  async get(id: string): Promise<StoredBlob | undefined> {
    this.c.checkOpen();
    if (!isBlobId(id)) return undefined;
    const row = this.c.sql('SELECT data, blob_type FROM blobs WHERE id = ?').get(id) as
      { data: string; blob_type: BlobType } | undefined;
    if (!row) return undefined;
    const where = `${this.c.location}, table blobs`;
    if (blobIdOfText(row.data) !== id) {
      throw new BlobCorruptedError(id, where, 'its content does not hash to its id');
    }
    try {
      return { id, data: JSON.parse(row.data) as unknown, blobType: row.blob_type };
    } catch (error) {
      throw new BlobCorruptedError(id, where, 'its content is not JSON', { cause: error });
    }
  }

  async has(id: string): Promise<boolean> {
    this.c.checkOpen();
    return isBlobId(id) && this.c.sql('SELECT 1 FROM blobs WHERE id = ?').get(id) !== undefined;
  }
}
