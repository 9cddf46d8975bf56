import { MemoryStateStore } from './internal/memory-state-store.ts';
import type { StateStore } from './state-store.ts';
import { systemStoreClock, type StoreClock } from './store-clock.ts';

/** Options of `createMemoryStateStore`. */
export interface MemoryStateStoreOptions {
  /** Source of record timestamps and lease expiry (default: the system clock). */
  readonly clock?: StoreClock;
}

/**
 * Creates a state store held in process memory: everything is lost when the process exits (the
 * default for `stepflow run`). Same semantics as the durable stores, values kept as JSON text.
 */
export function createMemoryStateStore(options: MemoryStateStoreOptions = {}): StateStore {
  return new MemoryStateStore(options.clock ?? systemStoreClock);
}
