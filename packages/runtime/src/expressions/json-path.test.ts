import { describe, expect, it } from 'vitest';
import { formatPath, parsePath } from '../index.ts';

describe('parsePath (REF grammar, §2.3)', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['$', []],
    ['  $  ', []],
    ['name', [{ kind: 'field', name: 'name' }]],
    ['a.b', [{ kind: 'field', name: 'a.b' }]],
    ['items[0]', [{ kind: 'field', name: 'items[0]' }]],
    [' spaced ', [{ kind: 'field', name: ' spaced ' }]],
    ['$.a', [{ kind: 'field', name: 'a' }]],
    [
      '$.a.b',
      [
        { kind: 'field', name: 'a' },
        { kind: 'field', name: 'b' },
      ],
    ],
    ['$..a', [{ kind: 'field', name: 'a' }]],
    ['$.', []],
    ['$[0]', [{ kind: 'index', index: 0 }]],
    [
      '$.items[12].id',
      [
        { kind: 'field', name: 'items' },
        { kind: 'index', index: 12 },
        { kind: 'field', name: 'id' },
      ],
    ],
    ['$["a.b"]', [{ kind: 'field', name: 'a.b' }]],
    ["$['x y']", [{ kind: 'field', name: 'x y' }]],
    ['$["a\\"]', [{ kind: 'field', name: 'a\\' }]],
    ['$.*', [{ kind: 'field', name: '*' }]],
  ])('%j parses', (path, segments) => {
    expect(parsePath(path)).toEqual(segments);
  });

  it.each([
    ['$a', "Invalid character 'a' in JSON path after $ or ']'. Expected '.' or '['"],
    ['$[0]x', "Invalid character 'x'"],
    ['$[', "Unclosed bracket '[' in path"],
    ['$["a"', "Unclosed bracket '[' in path"],
    ['$["a"x]', "Unclosed bracket '[' in path"],
    ['$[-1]', "Invalid index '-1' in JSON path. Expected a number or a quoted string."],
    ['$[a]', "Invalid index 'a'"],
    ['$[*]', "Invalid index '*'"],
    ['$[1:2]', "Invalid index '1:2'"],
  ])('%j is rejected', (path, message) => {
    expect(() => parsePath(path)).toThrow(message);
  });

  it('formats paths so bare names with dots round-trip', () => {
    expect(formatPath(parsePath('a.b'))).toBe('$["a.b"]');
    expect(parsePath(formatPath(parsePath('a.b')))).toEqual([{ kind: 'field', name: 'a.b' }]);
    expect(formatPath(parsePath('$["a"][0].b'))).toBe('$.a[0].b');
    expect(formatPath(parsePath(`$["it's"]`))).toBe(`$["it's"]`);
    expect(formatPath(parsePath(`$['say "hi"']`))).toBe(`$['say "hi"']`);
    expect(formatPath([])).toBe('');
  });
});
