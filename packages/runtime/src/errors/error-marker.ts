/**
 * Marks an error instance with a process-wide symbol so `isInstance` checks keep working when two
 * copies of this package are loaded (a plain `instanceof` would not).
 */
export function markError(error: Error, name: string): void {
  Object.defineProperty(error, Symbol.for(`@stepflow/runtime/${name}`), { value: true });
}

/** Whether `value` carries the marker of the error class named `name`. */
export function hasErrorMarker(value: unknown, name: string): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[Symbol.for(`@stepflow/runtime/${name}`)] === true
  );
}
