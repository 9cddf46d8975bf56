import { MAX_DOCUMENT_DEPTH, documentTooDeep } from './document-limits.ts';
import { lineAndColumn } from './line-and-column.ts';

/**
 * Nesting the guard lets through to the YAML parser. It is above {@link MAX_DOCUMENT_DEPTH}
 * because the guard over-counts block nesting (up to twice); the exact limit is checked on the
 * parsed tree. The parser itself must never see much more: it slows down and, a few thousand
 * levels deep, exhausts memory and kills the process.
 */
const GUARD_DEPTH = 2 * MAX_DOCUMENT_DEPTH + 8;

/** Lexemes of zero width: the lexer's markers for a document start, a scalar, a flow end, a BOM. */
const MARKERS = new Set(['\u0002', '\u001f', '\u0018', '\u{FEFF}']);

/**
 * Returns a check to call on every lexeme of the `yaml` lexer, in order, before the parser sees
 * it: it throws a `DocumentError` as soon as the nesting could exceed what the parser survives.
 * Flow nesting (`[`, `{`) is counted exactly; block nesting is bounded by the columns at which
 * lines and their `-`, `?` and `:` indicators start (a mapping's sequence may share its column,
 * hence the factor two). Linear in the number of lexemes.
 */
export function createYamlNestingGuard(text: string): (lexeme: string) => void {
  const columns: number[] = [];
  let flow = 0;
  let column = 0;
  let offset = 0;
  let lineStart = true;
  const fail = (): never => {
    throw documentTooDeep(lineAndColumn(text, offset));
  };
  const blockAt = (at: number): void => {
    while (columns.length > 0 && columns[columns.length - 1]! > at) columns.pop();
    if (columns[columns.length - 1] !== at) columns.push(at);
    if (2 * columns.length + flow > GUARD_DEPTH) fail();
  };
  return (lexeme) => {
    if (MARKERS.has(lexeme)) return;
    const first = lexeme[0];
    if (first === '[' || first === '{') {
      if (flow === 0 && lineStart) blockAt(column);
      flow++;
      if (2 * columns.length + flow > GUARD_DEPTH) fail();
    } else if (first === ']' || first === '}') {
      flow = Math.max(0, flow - 1);
    } else if (flow === 0 && first !== ' ' && first !== '\n' && first !== '#') {
      if (lineStart || first === '-' || first === '?' || first === ':') blockAt(column);
    }
    if (first !== ' ' && first !== '\n' && first !== '#') lineStart = false;
    const newline = lexeme.lastIndexOf('\n');
    if (newline === -1) column += lexeme.length;
    else {
      column = lexeme.length - newline - 1;
      lineStart = true;
    }
    offset += lexeme.length;
  };
}
