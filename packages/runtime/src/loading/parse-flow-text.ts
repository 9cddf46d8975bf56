import { type Flow, normalizeFlowAliases } from '@stepflow/protocol';
import { FlowLoadError } from '../errors/flow-load-error.ts';
import type { Diagnostic } from '../validation/diagnostic.ts';
import { aliasDiagnostics } from '../validation/alias-diagnostics.ts';
import type { LoadedFlow } from './loaded-flow.ts';
import { DocumentError } from '../errors/document-error.ts';
import { type DocumentFormat, formatOfFile, parseDocumentText } from './parse-document.ts';

/** Options of `parseFlowText`. */
export interface ParseFlowTextOptions {
  /** Name used in messages; its extension picks the format when `format` is absent. */
  readonly fileName?: string;
  /** `yaml` (also reads JSON) or `json`; default from `fileName`, else `yaml`. */
  readonly format?: DocumentFormat;
}

/**
 * Turns a parsed document into a flow: it must be an object; snake_case aliases are normalised
 * to camelCase with a warning each. Structural checks are `validateFlow`'s job.
 */
export function flowFromDocument(raw: unknown, file?: string): LoadedFlow {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new FlowLoadError(
      `a flow must be a YAML/JSON object, got ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}`,
      file === undefined ? {} : { file },
    );
  }
  const { value, aliases } = normalizeFlowAliases(raw);
  const diagnostics: Diagnostic[] = aliasDiagnostics(aliases, value, file);
  return { flow: value as Flow, path: file, raw, diagnostics };
}

/**
 * Parses flow text (YAML or JSON). Throws `FlowLoadError` naming the file and line for a syntax
 * error, a duplicate key, a document too large or too deeply nested, an unrecognised extension,
 * or a document that is not an object.
 */
export function parseFlowText(text: string, options: ParseFlowTextOptions = {}): LoadedFlow {
  const file = options.fileName;
  let format = options.format;
  if (format === undefined && file !== undefined) {
    format = formatOfFile(file);
    if (format === undefined) {
      throw new FlowLoadError('Unrecognized file extension (expected .yaml, .yml or .json)', {
        file,
      });
    }
  }
  let raw: unknown;
  try {
    raw = parseDocumentText(text, format ?? 'yaml');
  } catch (error) {
    if (DocumentError.isInstance(error)) {
      throw new FlowLoadError(error.message, {
        ...(file === undefined ? {} : { file }),
        ...(error.line === undefined ? {} : { line: error.line }),
        ...(error.column === undefined ? {} : { column: error.column }),
        cause: error,
      });
    }
    throw error;
  }
  return flowFromDocument(raw, file);
}
