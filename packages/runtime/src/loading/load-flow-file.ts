import { readFile } from 'node:fs/promises';
import { FlowLoadError } from '../errors/flow-load-error.ts';
import type { LoadedFlow } from './loaded-flow.ts';
import { parseFlowText } from './parse-flow-text.ts';

/** Reads and parses a flow file (`.yaml`, `.yml` or `.json`); throws `FlowLoadError` naming the file. */
export async function loadFlowFile(path: string): Promise<LoadedFlow> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a directory'
          : (error as Error).message;
    throw new FlowLoadError(`cannot read flow: ${reason}`, { file: path, cause: error });
  }
  return parseFlowText(text, { fileName: path });
}
