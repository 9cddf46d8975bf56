// Public API of @stepflow/blob-store: every export is listed here by name.
export type { BlobStore, BlobType, StoredBlob } from './blob-store.ts';
export { blobIdOf, blobIdOfText, canonicalBlobText, isBlobId } from './blob-id.ts';
export { BlobCorruptedError } from './blob-corrupted-error.ts';
export { createMemoryBlobStore } from './memory-blob-store.ts';
export { createFileBlobStore } from './file-blob-store.ts';
export type { FileBlobStoreOptions } from './file-blob-store.ts';
