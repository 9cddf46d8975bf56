const MARKER = Symbol.for('@stepflow/state-store/StateStoreError');

/**
 * What went wrong in a state store, as a stable readable code (a local error: never serialised
 * onto the wire).
 *
 * - `invalid-input`: a caller passed something the store refuses to record.
 * - `run-not-found`, `batch-not-found`, `answer-not-found`, `flow-not-found`: no such record.
 * - `run-exists`, `batch-exists`: the id is taken (ids are the caller's, never reassigned).
 * - `sequence-conflict`: a journal append's `expectedSeq` is not the run's last sequence number,
 *   i.e. another writer appended first.
 * - `lease-lost`: a journal append's `fence` no longer matches the run's lease: another owner
 *   took the run (or it was released); the writer must stop working on it.
 * - `status-conflict`: a status change from an unexpected or final status.
 * - `database-corrupt`, `database-foreign`: the database cannot be read, or belongs to something
 *   else; the store refuses it rather than overwrite it.
 * - `schema-too-new`: written by a newer version of the store; `schema-outdated`: older than this
 *   version and automatic migration is off.
 * - `store-closed`: the store was closed.
 */
export type StateStoreErrorCode =
  | 'invalid-input'
  | 'run-not-found'
  | 'batch-not-found'
  | 'answer-not-found'
  | 'flow-not-found'
  | 'run-exists'
  | 'batch-exists'
  | 'sequence-conflict'
  | 'lease-lost'
  | 'status-conflict'
  | 'database-corrupt'
  | 'database-foreign'
  | 'schema-too-new'
  | 'schema-outdated'
  | 'store-closed';

/** Thrown by every state store for refused input, conflicts and unusable databases. */
export class StateStoreError extends Error {
  override readonly name = 'StateStoreError';
  /** Stable, readable error code. */
  readonly code: StateStoreErrorCode;
  private readonly [MARKER] = true;

  constructor(code: StateStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** Whether `error` is a `StateStoreError` (optionally with `code`), across package copies. */
  static isInstance(error: unknown, code?: StateStoreErrorCode): error is StateStoreError {
    if (typeof error !== 'object' || error === null || !(MARKER in error)) return false;
    return code === undefined || (error as unknown as StateStoreError).code === code;
  }
}
