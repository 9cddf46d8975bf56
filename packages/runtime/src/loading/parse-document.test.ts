import { describe, expect, it } from 'vitest';
import {
  DocumentError,
  MAX_DOCUMENT_BYTES,
  MAX_DOCUMENT_DEPTH,
  decodeDocumentBytes,
  parseDocumentText,
} from '../index.ts';

function failure(run: () => unknown): DocumentError {
  try {
    run();
  } catch (error) {
    if (DocumentError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a DocumentError');
}

function manyKeys(count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(`key${i}: ${i}`);
  return `${lines.join('\n')}\n`;
}

describe('parseDocumentText', () => {
  it('parses a mapping of 100,000 keys', () => {
    // The parser's own duplicate check made this quadratic (100,000 keys took minutes): the
    // test's timeout catches that; `pnpm bench yaml` measures the growth (40,000 vs 100,000 keys)
    // without a timing assertion here, which a loaded machine would make flaky.
    const value = parseDocumentText(manyKeys(100_000), 'yaml') as Record<string, number>;
    expect(Object.keys(value)).toHaveLength(100_000);
    expect(value.key99999).toBe(99_999);
  }, 120_000);

  it('refuses a key given twice, naming the mapping and the line', () => {
    const error = failure(() =>
      parseDocumentText('steps:\n  - id: a\n    input:\n      x: 1\n      "x": 2\n', 'yaml'),
    );
    expect(error.code).toBe('duplicateKey');
    expect(error.line).toBe(5);
    expect(error.message).toBe(
      "invalid YAML: duplicate key 'x' in steps[0].input (a key may appear only once in a mapping)",
    );
  });

  it('treats keys that become the same property as duplicates', () => {
    expect(failure(() => parseDocumentText('1: a\n"1": b\n', 'yaml')).code).toBe('duplicateKey');
    expect(
      failure(() => parseDocumentText('? {a: 1, b: 2}\n: x\n? {b: 2, a: 1}\n: y\n', 'yaml')).code,
    ).toBe('duplicateKey');
  });

  it('keeps complex keys as canonical JSON text', () => {
    expect(parseDocumentText('? {b: 2, a: 1}\n: x\n', 'yaml')).toEqual({ '{"a":1,"b":2}': 'x' });
  });

  it('refuses YAML nested deeper than the limit, at any depth, without crashing', () => {
    const limit = MAX_DOCUMENT_DEPTH;
    expect(() =>
      parseDocumentText(`${'['.repeat(limit)}${']'.repeat(limit)}`, 'yaml'),
    ).not.toThrow();
    for (const depth of [limit + 1, 5_000, 1_000_000]) {
      const error = failure(() =>
        parseDocumentText(`${'['.repeat(depth)}${']'.repeat(depth)}`, 'yaml'),
      );
      expect(error.code).toBe('tooDeep');
      expect(error.message).toBe(`the document nests objects and lists more than ${limit} deep`);
    }
    // A million nested block sequences made the parser run out of memory and kill the process.
    for (const depth of [limit + 1, 1_000_000])
      expect(failure(() => parseDocumentText(`${'- '.repeat(depth)}1`, 'yaml')).code).toBe(
        'tooDeep',
      );
    const indented = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
    expect(failure(() => parseDocumentText(indented, 'yaml')).line).toBeLessThan(3000);
  });

  it('refuses YAML whose aliases make it deeper than the limit', () => {
    const half = Math.ceil(MAX_DOCUMENT_DEPTH / 2) + 1;
    const text = `a: &a ${'['.repeat(half)}${']'.repeat(half)}\nb: ${'['.repeat(half)}*a${']'.repeat(half)}\n`;
    expect(failure(() => parseDocumentText(text, 'yaml')).code).toBe('tooDeep');
  });

  it('refuses JSON nested deeper than the limit', () => {
    const depth = 1_000_000;
    const error = failure(() =>
      parseDocumentText(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, 'json'),
    );
    expect(error.code).toBe('tooDeep');
  });

  it('refuses a text longer than the size limit', () => {
    const error = failure(() => parseDocumentText(' '.repeat(MAX_DOCUMENT_BYTES + 1), 'json'));
    expect(error.code).toBe('tooLarge');
    expect(error.message).toBe(
      'the document is more than 16 MiB, over the 16 MiB limit for flow, config and input documents',
    );
  });
});

describe('decodeDocumentBytes', () => {
  it('decodes UTF-8 and drops a byte order mark', () => {
    expect(decodeDocumentBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0xc3, 0xa9]))).toBe('aé');
  });

  it('refuses bytes that are not UTF-8, with the offset and line of the first', () => {
    const bytes = Buffer.concat([Buffer.from('name: ok\nnote: caf'), Buffer.from([0xe9, 0x0a])]);
    const error = failure(() => decodeDocumentBytes(bytes));
    expect(error.code).toBe('encoding');
    expect(error.offset).toBe(18);
    expect(error.line).toBe(2);
    expect(error.message).toBe(
      'not valid UTF-8: byte 0xe9 at byte offset 18; save the document as UTF-8',
    );
  });

  it('finds overlong forms, surrogates and cut-off sequences', () => {
    const cases: [number[], number][] = [
      [[0x61, 0xc0, 0xaf], 1],
      [[0x61, 0x62, 0xed, 0xa0, 0x80], 2],
      [[0xe2, 0x82], 0],
      [[0x61, 0xf4, 0x90, 0x80, 0x80], 1],
    ];
    for (const [bytes, offset] of cases)
      expect(failure(() => decodeDocumentBytes(new Uint8Array(bytes))).offset).toBe(offset);
  });

  it('refuses more bytes than the size limit', () => {
    const error = failure(() => decodeDocumentBytes(new Uint8Array(MAX_DOCUMENT_BYTES + 1)));
    expect(error.code).toBe('tooLarge');
    expect(error.message).toContain('more than 16 MiB');
  });
});
