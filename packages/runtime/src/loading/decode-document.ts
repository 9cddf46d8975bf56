import { DocumentError } from '../errors/document-error.ts';
import { MAX_DOCUMENT_BYTES, documentTooLarge } from './document-limits.ts';

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Offset of the first byte that does not belong to a well-formed UTF-8 sequence (WHATWG rules:
 * no overlong forms, surrogates or code points past U+10FFFF), or -1 when all are well formed.
 */
function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let trailing: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) trailing = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      trailing = 2;
      if (lead === 0xe0) lower = 0xa0;
      if (lead === 0xed) upper = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      trailing = 3;
      if (lead === 0xf0) lower = 0x90;
      if (lead === 0xf4) upper = 0x8f;
    } else return i;
    for (let k = 1; k <= trailing; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < lower || next > upper) return i;
      lower = 0x80;
      upper = 0xbf;
    }
    i += trailing + 1;
  }
  return -1;
}

/**
 * Decodes the bytes of a flow, config or input document. A document larger than
 * {@link MAX_DOCUMENT_BYTES} or not valid UTF-8 is refused with a `DocumentError` giving the
 * offset and line of the first bad byte: replacing it silently would change the data. A leading
 * byte order mark is dropped.
 */
export function decodeDocumentBytes(bytes: Uint8Array): string {
  // No size in the message: a reader may stop one byte past the limit.
  if (bytes.length > MAX_DOCUMENT_BYTES) throw documentTooLarge();
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    const offset = Math.max(0, firstInvalidByte(bytes));
    let line = 1;
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
    const hex = bytes[offset]?.toString(16).padStart(2, '0') ?? '??';
    throw new DocumentError(
      'encoding',
      `not valid UTF-8: byte 0x${hex} at byte offset ${offset}; save the document as UTF-8`,
      { line, offset, cause },
    );
  }
}
