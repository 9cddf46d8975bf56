import type { Readable } from 'node:stream';
import { DocumentError, MAX_DOCUMENT_BYTES, decodeDocumentBytes } from '@stepflow/runtime';
import { CliError, ExitCode } from './cli-error.ts';
import { documentCliError, parseDataText, readDataFile } from './data-file.ts';
import type { DataFormat } from './data-file.ts';

/** The input flags of `run` (at most one of the three may be given). */
export interface InputOptions {
  readonly input?: string;
  readonly inputJson?: string;
  readonly inputYaml?: string;
  readonly stdinFormat?: string;
}

/**
 * Reads the flow input from `--input <file>`, `--input-json`, `--input-yaml`, or else stdin
 * (parsed per `--stdin-format`). Bad input is a `CliError` naming its source (exit 2).
 */
export async function readInput(options: InputOptions, stdin: Readable): Promise<unknown> {
  const given = [
    options.input !== undefined && '--input',
    options.inputJson !== undefined && '--input-json',
    options.inputYaml !== undefined && '--input-yaml',
  ].filter((flag): flag is string => flag !== false);
  if (given.length > 1) {
    throw new CliError(`only one input source may be given (got ${given.join(', ')})`);
  }
  if (options.input !== undefined) return readDataFile(options.input, 'input file');
  if (options.inputJson !== undefined)
    return parseDataText(options.inputJson, 'json', '--input-json');
  if (options.inputYaml !== undefined)
    return parseDataText(options.inputYaml, 'yaml', '--input-yaml');
  const format = stdinFormatOf(options.stdinFormat);
  let text: string;
  try {
    text = decodeDocumentBytes(await readAll(stdin));
  } catch (error) {
    if (DocumentError.isInstance(error)) throw documentCliError(error, 'stdin');
    throw error;
  }
  if (text.trim() === '') {
    throw new CliError(
      'no input: stdin was empty (pass --input <file>, --input-json or --input-yaml, or pipe the input)',
      ExitCode.usage,
    );
  }
  return parseDataText(text, format, 'stdin');
}

function stdinFormatOf(value: string | undefined): DataFormat {
  if (value === undefined || value === 'json') return 'json';
  if (value === 'yaml') return 'yaml';
  throw new CliError(`--stdin-format must be json or yaml (got '${value}')`);
}

/**
 * Reads stdin to its end, or to one byte past the document size limit: a larger input is then
 * refused when decoded, without reading (or holding) the rest.
 */
async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    chunks.push(bytes);
    total += bytes.length;
    if (total > MAX_DOCUMENT_BYTES) break;
  }
  return Buffer.concat(chunks);
}
