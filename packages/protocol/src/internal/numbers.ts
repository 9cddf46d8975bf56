import { z } from 'zod';

// The JSON Schema files annotate integers with Rust formats (`uint32`, `uint`, `int64`, …); these
// helpers give the zod side the same ranges so both validators agree on every value.

/** An integer in `[0, 2^32 - 1]` (JSON Schema format `uint32`). */
export function uint32() {
  return z.int().min(0).max(4_294_967_295);
}

/** An integer in `[0, 65535]` (JSON Schema format `uint16`). */
export function uint16() {
  return z.int().min(0).max(65_535);
}

/** A non-negative safe integer (JSON Schema formats `uint` and `uint64`). */
export function uint() {
  return z.int().min(0);
}

/** A safe integer (JSON Schema format `int64`; JavaScript cannot represent the full range). */
export function int64() {
  return z.int();
}
