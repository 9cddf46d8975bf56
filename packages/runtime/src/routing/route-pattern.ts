/** One segment of a route pattern. */
export type PatternSegment =
  | { readonly kind: 'static'; readonly text: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'catchAll'; readonly name: string };

/** A route pattern (matchit syntax: static segments, `{name}`, trailing `{*name}`), parsed. */
export interface RoutePattern {
  readonly text: string;
  readonly segments: readonly PatternSegment[];
}

/**
 * Parses a route pattern. Throws an `Error` describing the problem for a pattern that does not
 * start with `/`, has a catch-all that is not last, or mixes text and a parameter in a segment.
 */
export function parseRoutePattern(text: string): RoutePattern {
  if (!text.startsWith('/')) throw new Error(`route pattern '${text}' must start with '/'`);
  const parts = text.slice(1).split('/');
  const segments: PatternSegment[] = parts.map((part, index): PatternSegment => {
    const param = /^\{(\*?)([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(part);
    if (param) {
      if (param[1] === '*') {
        if (index !== parts.length - 1)
          throw new Error(
            `catch-all '${part}' must be the last segment of route pattern '${text}'`,
          );
        return { kind: 'catchAll', name: param[2]! };
      }
      return { kind: 'param', name: param[2]! };
    }
    if (part.includes('{') || part.includes('}')) {
      throw new Error(
        `segment '${part}' of route pattern '${text}' must be plain text, '{name}' or '{*name}'`,
      );
    }
    return { kind: 'static', text: part };
  });
  return { text, segments };
}

/** Matches a component path against a pattern; returns the captured parameters or `undefined`. */
export function matchRoutePattern(
  pattern: RoutePattern,
  path: string,
): Record<string, string> | undefined {
  if (!path.startsWith('/')) return undefined;
  const parts = path.slice(1).split('/');
  const params: Record<string, string> = {};
  const segments = pattern.segments;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.kind === 'catchAll') {
      const rest = parts.slice(i).join('/');
      if (i >= parts.length || rest === '') return undefined;
      params[segment.name] = rest;
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === 'static') {
      if (part !== segment.text) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.name] = part;
    }
  }
  return parts.length === segments.length ? params : undefined;
}

const RANK = { static: 0, param: 1, catchAll: 2 } as const;

/**
 * Orders patterns by specificity (static > `{x}` > `{*x}`, segment by segment): negative when
 * `a` is more specific than `b`, 0 when they have the same shape (a conflict).
 */
export function compareSpecificity(a: RoutePattern, b: RoutePattern): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const sa = a.segments[i];
    const sb = b.segments[i];
    if (sa === undefined || sb === undefined) return sa === undefined ? 1 : -1;
    const diff = RANK[sa.kind] - RANK[sb.kind];
    if (diff !== 0) return diff;
    if (sa.kind === 'static' && sb.kind === 'static' && sa.text !== sb.text)
      return sa.text < sb.text ? -1 : 1;
  }
  return 0;
}
