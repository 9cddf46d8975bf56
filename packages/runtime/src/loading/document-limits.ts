import { DocumentError } from '../errors/document-error.ts';

/**
 * Largest flow, config or input document read, in bytes (16 MiB). A bigger file is refused
 * before it is parsed: parsing costs many times its size in memory.
 */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/**
 * Deepest nesting of objects and lists a flow, config or input document may have. Real documents
 * stay far below it; the limit keeps every recursive walk of a parsed document well inside the
 * call stack.
 */
export const MAX_DOCUMENT_DEPTH = 128;

/** Largest number of alias expansions a YAML document may use ("billion laughs" guard). */
export const MAX_YAML_ALIAS_COUNT = 100;

/**
 * The error for a document over {@link MAX_DOCUMENT_BYTES}: `size` is its size in bytes, or
 * `undefined` when reading stopped at the limit (a pipe).
 */
export function documentTooLarge(size?: number): DocumentError {
  const limit = `${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB`;
  const actual = size === undefined ? `more than ${limit}` : `${size} bytes`;
  return new DocumentError(
    'tooLarge',
    `the document is ${actual}, over the ${limit} limit for flow, config and input documents`,
  );
}

/** The error for a document nested deeper than {@link MAX_DOCUMENT_DEPTH}. */
export function documentTooDeep(where: { line?: number; column?: number } = {}): DocumentError {
  return new DocumentError(
    'tooDeep',
    `the document nests objects and lists more than ${MAX_DOCUMENT_DEPTH} deep`,
    where,
  );
}
