import { DocumentError } from '../errors/document-error.ts';
import { FlowLoadError } from '../errors/flow-load-error.ts';
import type { LoadedFlow } from './loaded-flow.ts';
import { parseFlowText } from './parse-flow-text.ts';
import { readDocumentFile } from './read-document-file.ts';

/**
 * Reads and parses a flow file (`.yaml`, `.yml` or `.json`); throws `FlowLoadError` naming the
 * file, also for a file over `MAX_DOCUMENT_BYTES` or not UTF-8.
 */
export async function loadFlowFile(path: string): Promise<LoadedFlow> {
  let text: string;
  try {
    text = await readDocumentFile(path);
  } catch (error) {
    if (DocumentError.isInstance(error)) {
      throw new FlowLoadError(error.message, {
        file: path,
        ...(error.line === undefined ? {} : { line: error.line }),
        cause: error,
      });
    }
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
