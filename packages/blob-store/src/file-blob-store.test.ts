import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobCorruptedError, blobIdOf, createFileBlobStore } from './index.ts';
import { blobStoreComplianceSuite } from './testing.ts';

const blobPath = (directory: string, id: string): string => join(directory, id.slice(0, 2), id);

blobStoreComplianceSuite('filesystem', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'stepflow-blobs-'));
  return {
    store: createFileBlobStore({ directory }),
    reopen: () => createFileBlobStore({ directory }),
    corrupt: async (id) => {
      const path = blobPath(directory, id);
      const content = await readFile(path, 'utf8');
      await writeFile(path, content.replace('100', '999'));
    },
    dispose: () => rm(directory, { recursive: true, force: true }),
  };
});

describe('createFileBlobStore', () => {
  const directories: string[] = [];
  const tempDirectory = async (): Promise<string> => {
    const directory = await mkdtemp(join(tmpdir(), 'stepflow-blobs-'));
    directories.push(directory);
    return directory;
  };
  afterEach(async () => {
    for (const directory of directories.splice(0)) {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('creates the directory on first write and leaves no temporary files', async () => {
    const directory = join(await tempDirectory(), 'nested', 'blobs');
    const store = createFileBlobStore({ directory });
    const id = await store.put('hello');
    await Promise.all([store.put('hello'), store.put('hello'), store.put('hello')]);
    const entries = await readdir(join(directory, id.slice(0, 2)));
    expect(entries).toEqual([id]);
  });

  it('reports a record without a valid type line as corrupted, naming the file', async () => {
    const directory = await tempDirectory();
    const store = createFileBlobStore({ directory });
    const id = await store.put({ a: 1 });
    await writeFile(blobPath(directory, id), '{"a":1}');
    await expect(store.get(id)).rejects.toThrow(blobPath(directory, id));
    await expect(store.get(id)).rejects.toSatisfy((error: unknown) =>
      BlobCorruptedError.isInstance(error),
    );
  });

  it('reports a record whose hashed text is not JSON as corrupted', async () => {
    const directory = await tempDirectory();
    const store = createFileBlobStore({ directory });
    const text = 'not json';
    // A file whose text hashes to its name but is not JSON: only reachable by tampering.
    const id = createHash('sha256').update(text).digest('hex');
    await mkdir(join(directory, id.slice(0, 2)), { recursive: true });
    await writeFile(blobPath(directory, id), `data\n${text}`);
    await expect(store.get(id)).rejects.toThrow(/not JSON/);
  });

  it('shares content with a second store over the same directory', async () => {
    const directory = await tempDirectory();
    const id = await createFileBlobStore({ directory }).put([1, 2, 3]);
    expect(id).toBe(blobIdOf([1, 2, 3]));
    expect(await createFileBlobStore({ directory }).has(id)).toBe(true);
  });
});
