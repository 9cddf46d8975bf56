import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobCorruptedError } from './blob-corrupted-error.ts';
import { blobIdOfText, canonicalBlobText, isBlobId } from './blob-id.ts';
import type { BlobStore, BlobType, StoredBlob } from './blob-store.ts';

/** Options of {@link createFileBlobStore}. */
export interface FileBlobStoreOptions {
  /** Directory holding the blobs; created on first write. */
  readonly directory: string;
}

const BLOB_TYPES: readonly string[] = ['data', 'flow'] satisfies BlobType[];

/**
 * Creates a blob store that keeps one file per blob under `directory`.
 *
 * Layout: `<directory>/<first two hex digits>/<id>`, each file holding the blob type on the first
 * line and the compact JSON text on the second. Writes are atomic (a temporary file is synced,
 * then hard-linked into place, so a crash never leaves a partial blob and the first `blobType`
 * wins); reads re-hash the text and throw {@link BlobCorruptedError} rather than return content
 * that does not match its id.
 */
export function createFileBlobStore(options: FileBlobStoreOptions): BlobStore {
  const { directory } = options;
  const pathOf = (id: string): string => join(directory, id.slice(0, 2), id);

  return {
    async put(data, blobType = 'data') {
      const text = canonicalBlobText(data);
      const id = blobIdOfText(text);
      const target = pathOf(id);
      if (await exists(target)) return id;
      await mkdir(join(directory, id.slice(0, 2)), { recursive: true });
      const temp = join(directory, id.slice(0, 2), `.${id}.${randomUUID()}.tmp`);
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(`${blobType}\n${text}`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await moveIntoPlace(temp, target);
      } finally {
        await unlink(temp).catch(() => undefined);
      }
      return id;
    },

    async get(id): Promise<StoredBlob | undefined> {
      if (!isBlobId(id)) return undefined;
      const path = pathOf(id);
      let content: string;
      try {
        content = await readFile(path, 'utf8');
      } catch (error) {
        if (isErrorCode(error, 'ENOENT')) return undefined;
        throw error;
      }
      const newline = content.indexOf('\n');
      const blobType = newline < 0 ? '' : content.slice(0, newline);
      if (!BLOB_TYPES.includes(blobType)) {
        throw new BlobCorruptedError(id, path, 'the record has no valid blob type line');
      }
      const text = content.slice(newline + 1);
      if (blobIdOfText(text) !== id) {
        throw new BlobCorruptedError(id, path, 'its content does not hash to its id');
      }
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (cause) {
        throw new BlobCorruptedError(id, path, 'its content is not JSON', { cause });
      }
      return { id, data, blobType: blobType as BlobType };
    },

    async has(id) {
      return isBlobId(id) && exists(pathOf(id));
    },
  };
}

/** Links `temp` to `target` without replacing an existing blob; falls back to rename. */
async function moveIntoPlace(temp: string, target: string): Promise<void> {
  try {
    await link(temp, target);
  } catch (error) {
    if (isErrorCode(error, 'EEXIST')) return;
    // Filesystems without hard links: rename is still atomic; the content is identical anyway.
    if (
      isErrorCode(error, 'EPERM') ||
      isErrorCode(error, 'ENOTSUP') ||
      isErrorCode(error, 'EXDEV')
    ) {
      await rename(temp, target);
      return;
    }
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return false;
    throw error;
  }
}

function isErrorCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
