import { type Document, isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import { DocumentError } from '../errors/document-error.ts';
import { canonicalJson } from '../internal/canonical-json.ts';
import { MAX_DOCUMENT_DEPTH, MAX_YAML_ALIAS_COUNT, documentTooDeep } from './document-limits.ts';
import { yamlValueToJson } from './yaml-value-to-json.ts';
import { lineAndColumn } from './line-and-column.ts';

interface Frame {
  readonly node: unknown;
  /** Collections around `node`. */
  readonly depth: number;
  readonly parent: Frame | undefined;
  readonly segment: string | number | undefined;
}

/** `steps[0].input["a b"]`: where a node sits, for messages. */
function pathOf(frame: Frame): string {
  const segments: (string | number)[] = [];
  for (let f: Frame | undefined = frame; f?.segment !== undefined; f = f.parent)
    segments.unshift(f.segment);
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** The property name a key becomes in the parsed value (as `yamlValueToJson` names it). */
function keyName(key: unknown, doc: Document): string {
  const source = isAlias(key) ? key.resolve(doc) : key;
  if (source === null || source === undefined) return 'null';
  if (isScalar(source))
    return typeof source.value === 'string' ? source.value : String(source.value);
  const value = (source as { toJS(doc: Document, options: object): unknown }).toJS(doc, {
    mapAsMap: true,
    maxAliasCount: MAX_YAML_ALIAS_COUNT,
  });
  return canonicalJson(yamlValueToJson(value));
}

function positionOf(node: unknown, text: string): { line?: number; column?: number } {
  const range = (node as { range?: readonly number[] } | null)?.range;
  return range?.[0] === undefined ? {} : lineAndColumn(text, range[0]);
}

/**
 * Walks a parsed YAML tree without recursion: refuses a key given twice in one mapping (with
 * `uniqueKeys` off the parser would keep the last silently) and nesting deeper than
 * {@link MAX_DOCUMENT_DEPTH}, both with the line at fault. One set per mapping keeps it linear.
 */
export function checkYamlTree(doc: Document, text: string): void {
  const stack: Frame[] = [{ node: doc.contents, depth: 0, parent: undefined, segment: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { node, depth } = frame;
    if (isMap(node)) {
      if (depth >= MAX_DOCUMENT_DEPTH) throw documentTooDeep(positionOf(node, text));
      const seen = new Set<string>();
      for (const pair of node.items) {
        const name = keyName(pair.key, doc);
        if (seen.has(name)) {
          throw new DocumentError(
            'duplicateKey',
            `invalid YAML: duplicate key '${name}' in ${pathOf(frame) || 'the top-level mapping'} (a key may appear only once in a mapping)`,
            positionOf(pair.key ?? pair.value, text),
          );
        }
        seen.add(name);
        stack.push({ node: pair.value, depth: depth + 1, parent: frame, segment: name });
      }
    } else if (isSeq(node)) {
      if (depth >= MAX_DOCUMENT_DEPTH) throw documentTooDeep(positionOf(node, text));
      node.items.forEach((item, index) => {
        // `[a: 1]` holds a pair, which becomes a one-key mapping.
        const child = isPair(item) ? item.value : item;
        const childDepth = isPair(item) ? depth + 2 : depth + 1;
        stack.push({ node: child, depth: childDepth, parent: frame, segment: index });
      });
    }
  }
}
