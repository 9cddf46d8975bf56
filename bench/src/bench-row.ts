/** One row of the benchmark table. */
export interface BenchRow {
  /** What was measured, e.g. `stdio round trips, 64 in flight (library)`. */
  readonly name: string;
  /** The figure. */
  readonly value: number;
  /** Its unit, e.g. `req/s`, `ms`, `x`. */
  readonly unit: string;
  /** Context for the reader (baseline, goal, sample size, …). */
  readonly note?: string;
}

/** What every `src/*.bench.ts` default-exports: runs its measurements and returns its rows. */
export type Bench = () => Promise<BenchRow[]>;
