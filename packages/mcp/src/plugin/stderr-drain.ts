import type { Stream } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** Longest stderr line kept; the rest of a longer line is dropped (a server may write anything). */
export const MAX_STDERR_LINE_CHARS = 2000;
/** How many of the last stderr lines a start failure reports. */
const TAIL_LINES = 10;

/** Reads a child's stderr to the end, line by line, so the child never blocks on a full pipe. */
export interface StderrDrain {
  /** The last lines read (at most ten), oldest first. */
  tail(): readonly string[];
}

/**
 * Drains `stream` (a child's stderr) and hands every line to `onLine`, cut at
 * `MAX_STDERR_LINE_CHARS` so a server that writes megabytes without a newline costs bounded
 * memory. The last lines are kept for error messages.
 */
export function drainStderr(stream: Stream, onLine: (line: string) => void): StderrDrain {
  const decoder = new StringDecoder('utf8');
  const tail: string[] = [];
  let pending = '';
  let overflowing = false;
  const emit = (line: string): void => {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (text === '') return;
    tail.push(text);
    if (tail.length > TAIL_LINES) tail.shift();
    onLine(text);
  };
  const take = (text: string): void => {
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      const piece = text.slice(start, newline);
      if (!overflowing) emit(pending + piece);
      pending = '';
      overflowing = false;
      start = newline + 1;
    }
    if (overflowing) return;
    pending += text.slice(start);
    if (pending.length > MAX_STDERR_LINE_CHARS) {
      emit(`${pending.slice(0, MAX_STDERR_LINE_CHARS)}…`);
      pending = '';
      overflowing = true;
    }
  };
  stream.on('data', (chunk: Buffer | string) =>
    take(typeof chunk === 'string' ? chunk : decoder.write(chunk)),
  );
  stream.on('end', () => {
    take(decoder.end());
    if (!overflowing && pending !== '') emit(pending);
    pending = '';
  });
  // A broken pipe on a dying child is not worth a crash: the close is reported elsewhere.
  stream.on('error', () => {});
  return { tail: () => [...tail] };
}
