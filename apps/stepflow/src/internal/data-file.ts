import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { CliError } from './cli-error.ts';
import { parseYaml } from './parse-yaml.ts';

/** A text format for data the CLI reads or writes. */
export type DataFormat = 'json' | 'yaml';

/** The format a file name implies by its extension, or `undefined` for anything else. */
export function formatOfPath(path: string): DataFormat | undefined {
  const extension = extname(path).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  return undefined;
}

/**
 * Parses JSON or YAML text into a value; `source` names where the text came from in errors
 * (a file, `--input-json`, stdin). YAML aliases are bounded, multi-document YAML is rejected.
 */
export function parseDataText(text: string, format: DataFormat, source: string): unknown {
  if (format === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new CliError(`${source}: invalid JSON: ${(error as Error).message}`, undefined, {
        cause: error,
      });
    }
  }
  const parsed = parseYaml(text);
  if ('value' in parsed) return parsed.value;
  const { line, column, message } = parsed.problem;
  const where = line === undefined ? source : `${source}:${line}:${column ?? 1}`;
  throw new CliError(`${where}: invalid YAML: ${message}`);
}

/** Reads a `.json`, `.yaml` or `.yml` file; errors name the file (exit code 2). */
export async function readDataFile(path: string, what = 'file'): Promise<unknown> {
  const format = formatOfPath(path);
  if (!format) {
    throw new CliError(`${path}: unrecognised ${what} extension (use .json, .yaml or .yml)`);
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
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
