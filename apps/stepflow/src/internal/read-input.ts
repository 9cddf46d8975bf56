import type { Readable } from 'node:stream';
import { CliError, ExitCode } from './cli-error.ts';
import { parseDataText, readDataFile } from './data-file.ts';
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
  const text = await readAll(stdin);
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

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString('utf8');
}
