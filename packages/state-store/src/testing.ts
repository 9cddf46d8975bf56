// Test helpers of @stepflow/state-store (`@stepflow/state-store/testing`); needs vitest.
export { stateStoreComplianceSuite } from './state-store-compliance.ts';
export { expectStoreError } from './compliance/compliance-context.ts';
export { watchNotices } from './compliance/watch-compliance.ts';
export type {
  StateStoreSubject,
  StateStoreSubjectFactory,
} from './compliance/compliance-context.ts';
export { createManualStoreClock } from './manual-store-clock.ts';
export type { ManualStoreClock } from './manual-store-clock.ts';
export { benchmarkJournalAppends } from './journal-benchmark.ts';
export type { JournalBenchmarkOptions, JournalBenchmarkResult } from './journal-benchmark.ts';
