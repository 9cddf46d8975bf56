import { resolve } from 'node:path';
import {
  composeStateStore,
  parseStateStoreUrl,
  redactUrl,
  StateStoreError,
  systemStoreClock,
  type SqliteSynchronous,
  type StateStore,
  type StoreClock,
} from '@stepflow/state-store';
import { openSqliteDatabase } from './internal/sqlite-open.ts';
import { SqliteAnswerStore } from './internal/sqlite-answers.ts';
import { SqliteBatchStore } from './internal/sqlite-batches.ts';
import { SqliteBlobStore } from './internal/sqlite-blobs.ts';
import { SqliteConnection } from './internal/sqlite-connection.ts';
import { SqliteJournal } from './internal/sqlite-journal.ts';
import { SqliteLeaseStore } from './internal/sqlite-leases.ts';
import { SqliteRunStore } from './internal/sqlite-runs.ts';

/** Options of `createSqliteStateStore`. */
export interface SqliteStateStoreOptions {
  /** The database file, or `:memory:` for a private in-memory database. */
  readonly path: string;
  /**
   * `rwc` (default) creates the file (and its directory) when missing, `rw` requires it to
   * exist, `ro` opens it read-only.
   */
  readonly mode?: 'ro' | 'rw' | 'rwc';
  /**
   * `NORMAL` (default): with WAL, every committed transaction survives a crash of the process;
   * the last transactions before a power loss or OS crash may be lost (never corrupted).
   * `FULL`: each commit is fsynced, so it also survives a power loss, at a cost per commit.
   */
  readonly synchronous?: SqliteSynchronous;
  /** How long a writer waits for another process's write lock (default 5000 ms). */
  readonly busyTimeoutMs?: number;
  /** Apply missing migrations on open (default `true`); off, an old schema is an error. */
  readonly autoMigrate?: boolean;
  /** Source of record timestamps and lease expiry (default: the system clock). */
  readonly clock?: StoreClock;
}

/**
 * Opens a SQLite state store: WAL, versioned migrations recorded in `schema_migrations`, prepared
 * statements, one transaction per call (group commit for journal appends). A file that is
 * corrupt, belongs to another application or has a newer schema is refused with a
 * `StateStoreError` naming the file; it is never overwritten.
 */
export function createSqliteStateStore(options: SqliteStateStoreOptions): StateStore {
  if (typeof options.path !== 'string' || options.path === '') {
    throw new StateStoreError(
      'invalid-input',
      'createSqliteStateStore: path must be a file path or :memory:',
    );
  }
  const synchronous = options.synchronous ?? 'NORMAL';
  if (synchronous !== 'NORMAL' && synchronous !== 'FULL') {
    throw new StateStoreError(
      'invalid-input',
      `createSqliteStateStore: synchronous must be NORMAL or FULL, not ${String(synchronous)}`,
    );
  }
  const clock = options.clock ?? systemStoreClock;
  const db = openSqliteDatabase({
    path: options.path,
    mode: options.mode ?? 'rwc',
    synchronous,
    busyTimeoutMs: options.busyTimeoutMs ?? 5000,
    autoMigrate: options.autoMigrate ?? true,
    now: clock.now(),
  });
  const location = options.path === ':memory:' ? ':memory:' : resolve(options.path);
  const connection = new SqliteConnection(db, clock, location);
  return composeStateStore(
    'sqlite',
    {
      blobs: new SqliteBlobStore(connection),
      runs: new SqliteRunStore(connection),
      journal: new SqliteJournal(connection),
      batches: new SqliteBatchStore(connection),
      answers: new SqliteAnswerStore(connection),
      leases: new SqliteLeaseStore(connection),
      watch: async (listener) => {
        connection.checkOpen();
        return connection.notifier.watch(listener);
      },
    },
    async () => connection.close(),
  );
}

/** Options of `openSqliteStateStoreFromUrl` besides what the URL says. */
export type SqliteUrlOptions = Omit<SqliteStateStoreOptions, 'path' | 'mode'>;

/**
 * Opens the SQLite store a `sqlite:` URL names (`sqlite:./path.db`, `sqlite:path?mode=rwc`,
 * `sqlite::memory:`, `?synchronous=full`). Any other URL is an `invalid-input` error.
 */
export function openSqliteStateStoreFromUrl(
  url: string,
  options: SqliteUrlOptions = {},
): StateStore {
  const location = parseStateStoreUrl(url);
  if (location.kind !== 'sqlite') {
    throw new StateStoreError(
      'invalid-input',
      `Not a SQLite store URL: ${redactUrl(url)} (expected sqlite:<path>)`,
    );
  }
  return createSqliteStateStore({
    ...options,
    path: location.path,
    mode: location.mode,
    synchronous: location.synchronous ?? options.synchronous,
  });
}
