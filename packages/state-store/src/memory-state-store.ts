import { composeStateStore } from './compose-state-store.ts';
import { MemoryAnswerStore } from './internal/memory-answers.ts';
import { MemoryBatchStore } from './internal/memory-batches.ts';
import { MemoryJournal } from './internal/memory-journal.ts';
import { MemoryLeaseStore } from './internal/memory-leases.ts';
import { MemoryRunStore } from './internal/memory-runs.ts';
import { MemoryTables } from './internal/memory-tables.ts';
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
  const tables = new MemoryTables(options.clock ?? systemStoreClock);
  return composeStateStore(
    'memory',
    {
      blobs: {
        async put(data, blobType) {
          tables.checkOpen();
          return tables.blobs.put(data, blobType);
        },
        async get(id) {
          tables.checkOpen();
          return tables.blobs.get(id);
        },
        async has(id) {
          tables.checkOpen();
          return tables.blobs.has(id);
        },
      },
      runs: new MemoryRunStore(tables),
      journal: new MemoryJournal(tables),
      batches: new MemoryBatchStore(tables),
      answers: new MemoryAnswerStore(tables),
      leases: new MemoryLeaseStore(tables),
      watch: async (listener) => {
        tables.checkOpen();
        return tables.notifier.watch(listener);
      },
    },
    async () => {
      tables.closed = true;
      tables.notifier.clear();
    },
  );
}
