import { type CST, Composer, type Document, Lexer, Parser } from 'yaml';
import { DocumentError } from '../errors/document-error.ts';
import {
  MAX_DOCUMENT_BYTES,
  MAX_DOCUMENT_DEPTH,
  MAX_YAML_ALIAS_COUNT,
  documentTooDeep,
  documentTooLarge,
} from './document-limits.ts';
import { lineAndColumn } from './line-and-column.ts';
import { checkYamlTree } from './check-yaml-tree.ts';
import { yamlValueToJson } from './yaml-value-to-json.ts';
import { createYamlNestingGuard } from './yaml-nesting-guard.ts';

// The name used before `DocumentError` covered more than syntax; `load_file` still catches it.
export { DocumentError as DocumentSyntaxError };

/** Text formats a flow or config file can have. */
export type DocumentFormat = 'yaml' | 'json';

/** Picks the format from a file name: `.json` → JSON, `.yaml`/`.yml` → YAML, other → `undefined`. */
export function formatOfFile(fileName: string): DocumentFormat | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return undefined;
}

/** Throws when a parsed JSON value nests deeper than {@link MAX_DOCUMENT_DEPTH}; iterative. */
function checkJsonDepth(root: unknown): void {
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_DOCUMENT_DEPTH) throw documentTooDeep();
    for (const child of Array.isArray(value) ? value : Object.values(value))
      if (typeof child === 'object' && child !== null)
        stack.push({ value: child, depth: depth + 1 });
  }
}

function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const where = position ? lineAndColumn(text, Number(position[1])) : {};
    throw new DocumentError('syntax', `invalid JSON: ${message}`, { ...where, cause: error });
  }
  checkJsonDepth(value);
  return value;
}

/** `yaml`'s `parseDocument`, with the nesting guard between its lexer and its parser. */
function composeYaml(text: string): Document {
  const guard = createYamlNestingGuard(text);
  function* tokens(): Generator<CST.Token> {
    const parser = new Parser();
    for (const lexeme of new Lexer().lex(text)) {
      guard(lexeme);
      yield* parser.next(lexeme);
    }
    yield* parser.end();
  }
  // `uniqueKeys: true` compares every key with every earlier one (quadratic in the keys of a
  // mapping); `checkYamlTree` finds duplicates with a set instead.
  const composer = new Composer({ uniqueKeys: false });
  let doc: Document | undefined;
  for (const next of composer.compose(tokens(), true, text.length)) {
    if (doc === undefined) doc = next;
    else {
      throw new DocumentError(
        'syntax',
        'invalid YAML: the text holds more than one document (a `---` line starts another)',
        lineAndColumn(text, next.range[0]),
      );
    }
  }
  return doc!;
}

function parseYaml(text: string): unknown {
  const doc = composeYaml(text);
  // yaml 2.9 reports a spurious internal error ("Map comment with trailing content") for a
  // flow-map complex key that follows a nested block map (mock behaviours); the parsed tree is
  // right, so that one is ignored.
  const first = doc.errors.find(
    (error) =>
      !(
        error.code === 'IMPOSSIBLE' && error.message.startsWith('Map comment with trailing content')
      ),
  );
  if (first) {
    const where = lineAndColumn(text, first.pos[0]);
    // The parser catches its own stack overflow on absurd nesting and reports it as an error.
    if (first.message.includes('Maximum call stack size exceeded')) throw documentTooDeep(where);
    throw new DocumentError(
      'syntax',
      `invalid YAML: ${first.message.split('\n')[0] ?? first.message}`,
      where,
    );
  }
  checkYamlTree(doc, text);
  let value: unknown;
  try {
    value = doc.toJS({ mapAsMap: true, maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof RangeError) throw documentTooDeep();
    if (error instanceof ReferenceError || /alias/i.test((error as Error).message)) {
      throw new DocumentError(
        'syntax',
        `YAML aliases expand too much (more than ${MAX_YAML_ALIAS_COUNT} alias uses); the document is rejected as a resource-exhaustion risk`,
        { cause: error },
      );
    }
    throw new DocumentError('syntax', `invalid YAML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return yamlValueToJson(value);
  } catch (error) {
    if (error instanceof RangeError) throw documentTooDeep();
    throw error;
  }
}

/**
 * Parses YAML or JSON text into a JSON value, in time linear in its size: the one parser of
 * flows, configs and input documents. Throws `DocumentError` with the line of the problem for
 * bad syntax, a key given twice in one YAML mapping, a text over {@link MAX_DOCUMENT_BYTES}
 * characters, nesting deeper than {@link MAX_DOCUMENT_DEPTH}, or YAML expanding more than
 * {@link MAX_YAML_ALIAS_COUNT} aliases.
 */
export function parseDocumentText(text: string, format: DocumentFormat): unknown {
  // Each character is at least one byte in UTF-8, so this never refuses an allowed document.
  if (text.length > MAX_DOCUMENT_BYTES) throw documentTooLarge();
  return format === 'json' ? parseJson(text) : parseYaml(text);
}
