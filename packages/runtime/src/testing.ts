// Test helpers of @stepflow/runtime (entry `@stepflow/runtime/testing`).
export type { ManualClock } from './testing/manual-clock.ts';
export { createManualClock } from './testing/manual-clock.ts';
