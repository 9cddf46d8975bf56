/**
 * The source of time for a state store: record timestamps and lease expiry go through it, so a
 * test can drive time by hand. The runtime's `Clock` fits it structurally.
 *
 * Stores shared by several processes compare lease expiry against each caller's clock: keep the
 * machines' clocks synchronised and lease TTLs well above their skew.
 */
export interface StoreClock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The real clock: `Date.now`. */
export const systemStoreClock: StoreClock = { now: () => Date.now() };
