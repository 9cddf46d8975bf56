/**
 * One use of a snake_case alias found while normalising a flow or config document.
 *
 * `path` locates the aliased key itself (its last element is `alias`). When the document also
 * has the canonical key, the alias is left in place untouched and `ignored` is `true`.
 */
export interface AliasUse {
  /** Location of the aliased key, e.g. `['steps', 0, 'on_error']`. */
  path: (string | number)[];
  /** The spelling found, e.g. `on_error`. */
  alias: string;
  /** The canonical spelling, e.g. `onError`. */
  canonical: string;
  /** Set when the canonical key was present too, so the alias was not applied. */
  ignored?: true;
}

/** The result of normalising aliases: the rewritten document and every alias found. */
export interface NormalizedAliases<T = unknown> {
  /** A copy of the document with aliases renamed (untouched parts are shared, not copied). */
  value: T;
  /** Every alias found (a parent's aliases before its children's). */
  aliases: AliasUse[];
}
