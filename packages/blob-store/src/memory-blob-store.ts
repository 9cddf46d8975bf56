import { blobIdOfText, canonicalBlobText } from './blob-id.ts';
import type { BlobStore, BlobType, StoredBlob } from './blob-store.ts';

/**
 * Creates a blob store held in process memory. Values are kept as their JSON text so a caller
 * mutating an object after `put` (or after `get`) cannot change what is stored.
 */
export function createMemoryBlobStore(): BlobStore {
  const blobs = new Map<string, { text: string; blobType: BlobType }>();
  return {
    async put(data, blobType = 'data') {
      const text = canonicalBlobText(data);
      const id = blobIdOfText(text);
      if (!blobs.has(id)) blobs.set(id, { text, blobType });
      return id;
    },
    async get(id): Promise<StoredBlob | undefined> {
      const entry = blobs.get(id);
      if (!entry) return undefined;
      return { id, data: JSON.parse(entry.text) as unknown, blobType: entry.blobType };
    },
    async has(id) {
      return blobs.has(id);
    },
  };
}
