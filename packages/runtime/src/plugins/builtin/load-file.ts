import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { ErrorCodes } from '@stepflow/protocol';
import { ComponentError } from '../../errors/component-error.ts';
import { DocumentSyntaxError, parseDocumentText } from '../../loading/parse-document.ts';
import type { BuiltinComponent } from './builtin-component.ts';

function inside(directory: string, path: string): boolean {
  const rel = relative(directory, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function formatOf(path: string): 'json' | 'yaml' | 'text' {
  const lower = path.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return 'text';
}

/**
 * `/load_file`: reads a JSON, YAML or text file relative to the working directory. Paths that
 * leave the working directory (also through symlinks) are refused unless under an allowed path.
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
    const path = resolve(environment.workingDirectory, requested);
    let real: string;
    try {
      real = await realpath(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ComponentError(
        ErrorCodes.serverError,
        code === 'ENOENT'
          ? `File not found: ${requested}`
          : `Cannot read file ${requested}: ${(error as Error).message}`,
        { path: requested },
      );
    }
    const roots = [environment.workingDirectory, ...environment.allowedPaths];
    const realRoots = await Promise.all(
      roots.map((root) => realpath(root).catch(() => resolve(root))),
    );
    if (!realRoots.some((root) => inside(root, real))) {
      throw new ComponentError(
        ErrorCodes.invalidParams,
        `Refusing to read '${requested}': it is outside the working directory (${environment.workingDirectory}); allow it with 'allowedPaths' on the builtin plugin`,
        { path: requested },
      );
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(real);
    } catch (error) {
      throw new ComponentError(
        ErrorCodes.serverError,
        `Cannot read file ${requested}: ${(error as Error).message}`,
        { path: requested },
      );
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
        throw new ComponentError(
          ErrorCodes.serverError,
          `Cannot parse ${requested} as ${format}${where}: ${(error as Error).message}`,
          { path: requested },
        );
      }
    }
    return { data, metadata: { resolved_path: path, size_bytes: bytes.length, format } };
  },
};
