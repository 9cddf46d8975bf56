/** One navigation step of a parsed path: a field name or an array index. */
export type PathSegment =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number };

/** Thrown by `parsePath` for a path outside the REF grammar (§2.3). */
export class PathSyntaxError extends Error {
  override readonly name = 'PathSyntaxError';
}

/**
 * Parses a reference `path` with exactly the REF grammar (STEPFLOW.md §2.3).
 *
 * Absent, empty or `$` means the whole value. A string that (trimmed) does not start with `$` is
 * one field name taken verbatim (`"a.b"` is the key `a.b`). Otherwise `.name`, `[digits]`,
 * `["name"]` and `['name']` follow; empty names are skipped (`$..a` is `$.a`).
 */
export function parsePath(path: string | undefined | null): PathSegment[] {
  if (path === undefined || path === null || path === '') return [];
  const trimmed = path.trim();
  if (!trimmed.startsWith('$')) return [{ kind: 'field', name: path }];
  const segments: PathSegment[] = [];
  let i = 1;
  while (i < trimmed.length) {
    const c = trimmed[i];
    if (c === '.') {
      let end = i + 1;
      while (end < trimmed.length && trimmed[end] !== '.' && trimmed[end] !== '[') end++;
      const name = trimmed.slice(i + 1, end);
      if (name !== '') segments.push({ kind: 'field', name });
      i = end;
    } else if (c === '[') {
      const quote = trimmed[i + 1];
      if (quote === '"' || quote === "'") {
        const close = trimmed.indexOf(quote, i + 2);
        if (close === -1 || trimmed[close + 1] !== ']')
          throw new PathSyntaxError("Unclosed bracket '[' in path");
        segments.push({ kind: 'field', name: trimmed.slice(i + 2, close) });
        i = close + 2;
      } else {
        const close = trimmed.indexOf(']', i + 1);
        if (close === -1) throw new PathSyntaxError("Unclosed bracket '[' in path");
        const text = trimmed.slice(i + 1, close);
        if (!/^\d+$/.test(text)) {
          throw new PathSyntaxError(
            `Invalid index '${text}' in JSON path. Expected a number or a quoted string.`,
          );
        }
        segments.push({ kind: 'index', index: Number(text) });
        i = close + 1;
      }
    } else {
      throw new PathSyntaxError(
        `Invalid character '${c}' in JSON path after $ or ']'. Expected '.' or '['`,
      );
    }
  }
  return segments;
}

/**
 * Writes segments back as a `$` path: `.name` for plain names, `["name"]` for names containing
 * `.`, `[`, or quotes (so a bare `a.b` round-trips), `[n]` for indexes. Empty → `""`.
 */
export function formatPath(segments: readonly PathSegment[]): string {
  if (segments.length === 0) return '';
  let text = '$';
  for (const segment of segments) {
    if (segment.kind === 'index') text += `[${segment.index}]`;
    else if (segment.name === '' || /[.[\]"']/.test(segment.name)) {
      text += segment.name.includes('"') ? `['${segment.name}']` : `["${segment.name}"]`;
    } else text += `.${segment.name}`;
  }
  return text;
}

/** Result of applying a path: the value found, or why nothing was found. */
export type PathLookup =
  | { readonly found: true; readonly value: unknown }
  | { readonly found: false; readonly reason: string };

/**
 * Applies parsed segments to a value. A missing key or index, a field on a non-object or an index
 * on a non-array is not `null` but a failed lookup with a reason.
 */
export function applyPath(value: unknown, segments: readonly PathSegment[]): PathLookup {
  let current = value;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.kind === 'field') {
      if (typeof current !== 'object' || current === null || Array.isArray(current)) {
        return {
          found: false,
          reason: `cannot read field '${segment.name}' of ${describe(current)} at '${formatPath(segments.slice(0, i)) || '$'}'`,
        };
      }
      if (!Object.hasOwn(current, segment.name)) {
        return {
          found: false,
          reason: `field '${segment.name}' not found at '${formatPath(segments.slice(0, i)) || '$'}'`,
        };
      }
      current = (current as Record<string, unknown>)[segment.name];
    } else {
      if (!Array.isArray(current)) {
        return {
          found: false,
          reason: `cannot read index ${segment.index} of ${describe(current)} at '${formatPath(segments.slice(0, i)) || '$'}'`,
        };
      }
      if (segment.index >= current.length) {
        return {
          found: false,
          reason: `index ${segment.index} out of range (length ${current.length}) at '${formatPath(segments.slice(0, i)) || '$'}'`,
        };
      }
      current = current[segment.index] as unknown;
    }
  }
  return { found: true, value: current };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
