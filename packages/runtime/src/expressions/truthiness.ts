/**
 * Whether a `skipIf` value skips the step (DECISIONS item 10): `false`, `0`, `""` and `null` are
 * falsy; everything else, including `{}` and `[]`, is truthy. (REF treats `null` as truthy.)
 */
export function isTruthy(value: unknown): boolean {
  return !(value === false || value === 0 || value === '' || value === null || value === undefined);
}
