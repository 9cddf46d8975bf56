import { open } from 'node:fs/promises';
import { decodeDocumentBytes } from './decode-document.ts';
import { MAX_DOCUMENT_BYTES, documentTooLarge } from './document-limits.ts';

const CHUNK_BYTES = 64 * 1024;

/**
 * Reads a flow, config or input file as text, reading at most {@link MAX_DOCUMENT_BYTES} (plus
 * one byte to notice a larger file, which a pipe or device cannot announce). Throws a
 * `DocumentError` for a file too large or not UTF-8; file-system errors (`ENOENT`, `EISDIR`, …)
 * are thrown as they are, for the caller to describe.
 */
export async function readDocumentFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    if (info.isFile() && info.size > MAX_DOCUMENT_BYTES) throw documentTooLarge(info.size);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(CHUNK_BYTES, MAX_DOCUMENT_BYTES + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > MAX_DOCUMENT_BYTES) throw documentTooLarge();
    }
    return decodeDocumentBytes(Buffer.concat(chunks, total));
  } finally {
    await handle.close();
  }
}
