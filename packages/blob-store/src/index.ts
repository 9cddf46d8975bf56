// Public API of @stepflow/blob-store: every export is listed here by name.
export type { BlobStore, BlobType, StoredBlob } from './blob-store.ts';
export { blobIdOf, blobIdOfText, canonicalBlobText, isBlobId } from './blob-id.ts';
export { createMemoryBlobStore } from './memory-blob-store.ts';
