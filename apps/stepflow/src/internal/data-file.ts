import { extname } from 'node:path';
import { DocumentError, parseDocumentText, readDocumentFile } from '@stepflow/runtime';
import { CliError } from './cli-error.ts';

/** A text format for data the CLI reads or writes. */
export type DataFormat = 'json' | 'yaml';

/** The format a file name implies by its extension, or `undefined` for anything else. */
export function formatOfPath(path: string): DataFormat | undefined {
  const extension = extname(path).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  return undefined;
}

/** A document problem as a `CliError` naming its source and, when known, line and column. */
export function documentCliError(error: DocumentError, source: string): CliError {
  const where =
    error.line === undefined
      ? source
      : `${source}:${error.line}${error.column === undefined ? '' : `:${error.column}`}`;
  return new CliError(`${where}: ${error.message}`, undefined, { cause: error });
}

/**
 * Parses JSON or YAML text into a value with the runtime's document parser (the one that reads
 * flows and configs: same limits, same messages); `source` names where the text came from in
 * errors (a file, `--input-json`, stdin).
 */
export function parseDataText(text: string, format: DataFormat, source: string): unknown {
  try {
    return parseDocumentText(text, format);
  } catch (error) {
    if (DocumentError.isInstance(error)) throw documentCliError(error, source);
    throw error;
  }
}

/**
 * Reads a `.json`, `.yaml` or `.yml` file; errors name the file (exit code 2), including a file
 * over the size limit or not UTF-8.
 */
export async function readDataFile(path: string, what = 'file'): Promise<unknown> {
  const format = formatOfPath(path);
  if (!format) {
    throw new CliError(`${path}: unrecognised ${what} extension (use .json, .yaml or .yml)`);
  }
  let text: string;
  try {
    text = await readDocumentFile(path);
  } catch (error) {
    if (DocumentError.isInstance(error)) throw documentCliError(error, path);
    throw new CliError(`${path}: cannot read ${what}: ${describeFsError(error)}`, undefined, {
      cause: error,
    });
  }
  return parseDataText(text, format, path);
}

/** A short reason for a filesystem error (`no such file`, `permission denied`, …). */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (error as Error).message;
}
