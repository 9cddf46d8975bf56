import { constants } from 'node:fs';
import { type FileHandle, open, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ErrorCodes } from '@stepflow/protocol';
import { ComponentError } from '../../errors/component-error.ts';
import { DocumentSyntaxError, parseDocumentText } from '../../loading/parse-document.ts';
import type { BuiltinComponent, BuiltinEnvironment } from './builtin-component.ts';

/** Largest file `load_file` reads (32 MiB, the protocol's message limit). */
export const LOAD_FILE_MAX_BYTES = 32 * 1024 * 1024;

function inside(directory: string, path: string): boolean {
  const rel = relative(directory, path);
  // A segment check: `..foo.txt` is a file inside, `../foo.txt` is not.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function formatOf(path: string): 'json' | 'yaml' | 'text' {
  const lower = path.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return 'text';
}

function fail(code: number, message: string, requested: string): never {
  throw new ComponentError(code, message, { path: requested });
}

/**
 * The real path of `path`, or for a missing file the real path of its deepest existing parent
 * with the rest appended, so containment is judged the same way whether the file exists or not.
 */
async function realTarget(path: string): Promise<{ real: string; exists: boolean }> {
  let missing = '';
  let current = path;
  for (;;) {
    try {
      const real = await realpath(current);
      return { real: missing === '' ? real : join(real, missing), exists: missing === '' };
    } catch (error) {
      const parent = dirname(current);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === current) throw error;
      missing = missing === '' ? basename(current) : join(basename(current), missing);
      current = parent;
    }
  }
}

function kindOf(stats: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  return 'a device or special file';
}

/** Resolves, confines and opens the file; every refusal happens before anything is read. */
async function openConfined(
  requested: string,
  environment: BuiltinEnvironment,
): Promise<{ handle: FileHandle; real: string; path: string }> {
  const path = resolve(environment.workingDirectory, requested);
  let target: { real: string; exists: boolean };
  const roots = [environment.workingDirectory, ...environment.allowedPaths];
  const realRoots = await Promise.all(
    roots.map((root) => realpath(root).catch(() => resolve(root))),
  );
  // One message whether or not the file exists: a refused path must not reveal which files do.
  const refuseOutside = (): never =>
    fail(
      ErrorCodes.invalidParams,
      `Refusing to read '${requested}': it is outside the working directory (${environment.workingDirectory}); allow it with 'allowedPaths' on the builtin plugin`,
      requested,
    );
  try {
    target = await realTarget(path);
  } catch (error) {
    if (!realRoots.some((root) => inside(root, path))) refuseOutside();
    return fail(
      ErrorCodes.serverError,
      `Cannot read file ${requested}: ${(error as Error).message}`,
      requested,
    );
  }
  if (!realRoots.some((root) => inside(root, target.real))) refuseOutside();
  if (!target.exists) fail(ErrorCodes.serverError, `File not found: ${requested}`, requested);
  const refuseKind = (stats: Parameters<typeof kindOf>[0]): never =>
    fail(
      ErrorCodes.invalidParams,
      `Refusing to read '${requested}': it is ${kindOf(stats)}, not a regular file`,
      requested,
    );
  let handle: FileHandle;
  try {
    const before = await stat(target.real);
    if (!before.isFile()) refuseKind(before);
    // O_NONBLOCK: should the path become a FIFO after the check, opening it still cannot block.
    handle = await open(target.real, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if (ComponentError.isInstance(error)) throw error;
    return fail(
      ErrorCodes.serverError,
      `Cannot read file ${requested}: ${(error as Error).message}`,
      requested,
    );
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) refuseKind(opened);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return { handle, real: target.real, path };
}

/** Reads the file, refusing it once it is found to exceed `LOAD_FILE_MAX_BYTES`. */
async function readBounded(handle: FileHandle, requested: string): Promise<Buffer> {
  const tooLarge = (size: number): never =>
    fail(
      ErrorCodes.invalidParams,
      `Refusing to read '${requested}': it is ${size > LOAD_FILE_MAX_BYTES ? `${size} bytes` : 'growing'}, more than the limit of ${LOAD_FILE_MAX_BYTES} bytes (32 MiB)`,
      requested,
    );
  const { size } = await handle.stat();
  if (size > LOAD_FILE_MAX_BYTES) tooLarge(size);
  // One byte more than announced, to notice a file that grows while it is read.
  let buffer = Buffer.alloc(size + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > LOAD_FILE_MAX_BYTES) tooLarge(length);
      const grown = Buffer.alloc(Math.min(buffer.length * 2, LOAD_FILE_MAX_BYTES + 1));
      buffer.copy(grown);
      buffer = grown;
    }
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
    if (bytesRead === 0) return buffer.subarray(0, length);
    length += bytesRead;
  }
}

/**
 * `/load_file`: reads a JSON, YAML or text file relative to the working directory. Paths that
 * leave the working directory (also through symlinks) are refused unless under an allowed path,
 * with the same message whether or not the file exists; only regular files up to
 * `LOAD_FILE_MAX_BYTES` are read (a directory, FIFO or device is refused before it is opened).
 */
export const loadFileComponent: BuiltinComponent = {
  name: '/load_file',
  description: 'Load and parse a file (JSON, YAML, or text) from the filesystem',
  inputSchema: {
    type: 'object',
    properties: {
      path: { type: 'string', minLength: 1 },
      format: { enum: ['json', 'yaml', 'text', null] },
    },
    required: ['path'],
  },
  outputSchema: {
    type: 'object',
    properties: {
      data: {},
      metadata: {
        type: 'object',
        properties: {
          resolved_path: { type: 'string' },
          size_bytes: { type: 'integer' },
          format: { type: 'string' },
        },
        required: ['resolved_path', 'size_bytes', 'format'],
      },
    },
    required: ['data', 'metadata'],
  },
  async execute(input, _context, environment) {
    const requested = input.path as string;
    const { handle, real, path } = await openConfined(requested, environment);
    let bytes: Buffer;
    try {
      bytes = await readBounded(handle, requested);
    } catch (error) {
      if (ComponentError.isInstance(error)) throw error;
      return fail(
        ErrorCodes.serverError,
        `Cannot read file ${requested}: ${(error as Error).message}`,
        requested,
      );
    } finally {
      await handle.close();
    }
    const format = (input.format as 'json' | 'yaml' | 'text' | null | undefined) ?? formatOf(real);
    const text = bytes.toString('utf8');
    let data: unknown = text;
    if (format !== 'text') {
      try {
        data = parseDocumentText(text, format);
      } catch (error) {
        const where =
          error instanceof DocumentSyntaxError && error.line !== undefined
            ? ` (line ${error.line})`
            : '';
        fail(
          ErrorCodes.serverError,
          `Cannot parse ${requested} as ${format}${where}: ${(error as Error).message}`,
          requested,
        );
      }
    }
    return { data, metadata: { resolved_path: path, size_bytes: bytes.length, format } };
  },
};
