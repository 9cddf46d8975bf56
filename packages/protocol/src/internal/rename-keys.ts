import type { AliasUse } from '../alias-use.ts';

/** A document path. */
export type Path = (string | number)[];

/** Whether `value` is a plain JSON object (not an array or `null`). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Copies `object` with the keys in `renames` (alias → canonical) renamed in place, keeping key
 * order, and records each alias. An alias whose canonical key also exists is kept and marked
 * `ignored`.
 */
export function renameKeys(
  object: Record<string, unknown>,
  renames: Readonly<Record<string, string>>,
  path: Path,
  aliases: AliasUse[],
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    const canonical = Object.hasOwn(renames, key) ? renames[key] : undefined;
    if (canonical === undefined) {
      result[key] = value;
    } else if (Object.hasOwn(object, canonical)) {
      result[key] = value;
      aliases.push({ path: [...path, key], alias: key, canonical, ignored: true });
    } else {
      result[canonical] = value;
      aliases.push({ path: [...path, key], alias: key, canonical });
    }
  }
  return result;
}

/** Replaces `object[key]` by `transform(value)` when present, returning the same object. */
export function mapField(
  object: Record<string, unknown>,
  key: string,
  transform: (value: unknown) => unknown,
): Record<string, unknown> {
  if (Object.hasOwn(object, key)) object[key] = transform(object[key]);
  return object;
}

/** Applies `transform` to every value of a map-like object (e.g. plugins by name). */
export function mapValues(
  value: unknown,
  transform: (item: unknown, key: string) => unknown,
): unknown {
  if (!isObject(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) result[key] = transform(item, key);
  return result;
}

/** Applies `transform` to every element of an array. */
export function mapItems(
  value: unknown,
  transform: (item: unknown, index: number) => unknown,
): unknown {
  return Array.isArray(value) ? value.map((item: unknown, index) => transform(item, index)) : value;
}
