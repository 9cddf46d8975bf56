import {
  BlobCorruptedError,
  blobIdOfText,
  canonicalBlobText,
  isBlobId,
  type BlobStore,
  type BlobType,
  type StoredBlob,
} from '@stepflow/blob-store';
import type { PostgresConnection } from './pg-connection.ts';

/** Blobs in the `blobs` table; every read re-hashes the content. */
export class PostgresBlobStore implements BlobStore {
  constructor(private readonly c: PostgresConnection) {}

  async put(data: unknown, blobType: BlobType = 'data'): Promise<string> {
    const text = canonicalBlobText(data);
    return this.c.putText(this.c.open(), text, blobType);
  }

  async get(id: string): Promise<StoredBlob | undefined> {
    const db = this.c.open();
    if (!isBlobId(id)) return undefined;
    const { rows } = await db.query<{ data: string; blob_type: BlobType }>(
      `SELECT data, blob_type FROM ${this.c.t('blobs')} WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    const where = `${this.c.where}, table blobs`;
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
    const db = this.c.open();
    if (!isBlobId(id)) return false;
    const { rowCount } = await db.query(`SELECT 1 FROM ${this.c.t('blobs')} WHERE id = $1`, [id]);
    return rowCount === 1;
  }
}
