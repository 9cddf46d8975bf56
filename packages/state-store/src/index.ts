// Public API of @stepflow/state-store: every export is listed here by name.

// The interface, composed of one interface per concept
export type { StateStore } from './state-store.ts';
export type {
  ListRunsOptions,
  NewRun,
  RunFilter,
  RunRecord,
  RunStatusOptions,
  RunStore,
} from './run-store.ts';
export type {
  AppendedRange,
  JournalAppend,
  JournalEntry,
  JournalStore,
  ReadEventsOptions,
} from './journal-store.ts';
export type {
  BatchRecord,
  BatchStatus,
  BatchStore,
  ListBatchesOptions,
  ListBatchRunsOptions,
  NewBatch,
} from './batch-store.ts';
export type {
  AnswerStore,
  ListPendingAnswersOptions,
  NewPendingAnswer,
  PendingAnswer,
  SubmitAnswerResult,
} from './answer-store.ts';
export type {
  Lease,
  LeaseStore,
  StoreNotice,
  StoreWatch,
  UnleasedRunsOptions,
} from './lease-store.ts';
export { StateStoreError } from './state-store-error.ts';
export { FlowNameCache } from './flow-name-cache.ts';
export type { StateStoreErrorCode } from './state-store-error.ts';
export { systemStoreClock } from './store-clock.ts';
export type { StoreClock } from './store-clock.ts';

// The in-memory store
export { createMemoryStateStore } from './memory-state-store.ts';
export type { MemoryStateStoreOptions } from './memory-state-store.ts';

// Store URLs (`memory`, `sqlite:…`, `postgres://…`)
export { parseStateStoreUrl, redactUrl, stateStoreUrlOf } from './state-store-url.ts';
export type { SqliteSynchronous, StateStoreLocation } from './state-store-url.ts';

// For store implementations: assembly from parts, and the checks every store applies so all
// refuse the same input
export { composeStateStore } from './compose-state-store.ts';
export type { StateStoreParts } from './compose-state-store.ts';
export { checkLeaseFence } from './lease-fence.ts';
export type { FenceHolder } from './lease-fence.ts';
export { appendNotices, StoreNotifier } from './store-notifier.ts';
export {
  checkBatchStatusChange,
  checkLeaseArgs,
  checkRunsDeletable,
  checkStatusChange,
  DEFAULT_LIST_LIMIT,
  flowNameOf,
  jsonText,
  MAX_LIST_LIMIT,
  prepareAnswer,
  prepareAppends,
  prepareListBatches,
  prepareListRuns,
  prepareNewBatch,
  prepareNewRun,
  preparePage,
  preparePendingAnswer,
  prepareRunFilter,
  prepareStatusOptions,
  toStatuses,
} from './store-input.ts';
export type {
  PreparedAppend,
  PreparedBatch,
  DeletionCandidate,
  PreparedBatchFilter,
  PreparedFlow,
  PreparedPage,
  PreparedRun,
  PreparedRunFilter,
} from './store-input.ts';

// For SQL store implementations: the rows both SQL stores keep, and their records
export {
  batchRecordOf,
  journalEntryOf,
  leaseOf,
  pendingAnswerOf,
  RUN_COLUMNS,
  runRecordOf,
  statusCounts,
} from './sql-rows.ts';
export type { AnswerRow, BatchRow, JournalRow, RunRow } from './sql-rows.ts';
