import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { StateStoreError } from '@stepflow/state-store';
import { APPLICATION_ID, LATEST_VERSION, appliedVersion, migrate } from './sqlite-migrations.ts';

/** What `openSqliteDatabase` needs. */
export interface SqliteOpenRequest {
  readonly path: string;
  readonly mode: 'ro' | 'rw' | 'rwc';
  readonly synchronous: 'NORMAL' | 'FULL';
  readonly busyTimeoutMs: number;
  readonly autoMigrate: boolean;
  readonly now: number;
}

function describe(path: string): string {
  return path === ':memory:' ? 'the in-memory SQLite database' : `SQLite file ${resolve(path)}`;
}

function sqliteCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String(error.code)
    : undefined;
}

/** Turns a driver error met while opening or checking the file into a clear store error. */
function openFailure(path: string, error: unknown): StateStoreError {
  const code = sqliteCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_NOTADB' || code?.startsWith('SQLITE_CORRUPT')) {
    return new StateStoreError(
      'database-corrupt',
      `${describe(path)} is not a readable SQLite database (${detail}); refusing to use it. ` +
        'Restore it from a backup or point the store elsewhere.',
      { cause: error },
    );
  }
  return new StateStoreError('invalid-input', `Cannot open ${describe(path)}: ${detail}`, {
    cause: error,
  });
}

/** Refuses files that belong to someone else or to a newer version; migrates older ones. */
function checkSchema(db: Database, request: SqliteOpenRequest): void {
  const where = describe(request.path);
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const tables = db
    .prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
    .get() as { n: number };
  if (applicationId !== APPLICATION_ID && (applicationId !== 0 || tables.n > 0)) {
    throw new StateStoreError(
      'database-foreign',
      `${where} is not a Stepflow state store (application_id ${applicationId}, ` +
        `${tables.n} existing tables); refusing to modify it.`,
    );
  }
  const version = appliedVersion(db);
  if (version > LATEST_VERSION) {
    throw new StateStoreError(
      'schema-too-new',
      `${where} has schema version ${version}, newer than this Stepflow's ${LATEST_VERSION}; ` +
        'upgrade Stepflow to use it.',
    );
  }
  if (version === LATEST_VERSION) return;
  if (!request.autoMigrate || request.mode === 'ro') {
    throw new StateStoreError(
      'schema-outdated',
      `${where} has schema version ${version}, this Stepflow needs ${LATEST_VERSION}; ` +
        'open it with automatic migration on (and writable) to upgrade it.',
    );
  }
  migrate(db, request.now);
}

/**
 * Opens (creating when allowed) and checks a SQLite store file: WAL, the requested `synchronous`
 * level, foreign keys, a busy timeout; corrupt, foreign and newer files are refused, never
 * overwritten.
 */
export function openSqliteDatabase(request: SqliteOpenRequest): Database {
  const memory = request.path === ':memory:';
  if (!memory && request.mode === 'rwc')
    mkdirSync(dirname(resolve(request.path)), { recursive: true });
  let db: Database | undefined;
  try {
    db = new BetterSqlite3(request.path, {
      readonly: request.mode === 'ro',
      fileMustExist: request.mode !== 'rwc',
      timeout: request.busyTimeoutMs,
    });
    db.pragma(`busy_timeout = ${request.busyTimeoutMs}`);
    // Reading the header first: a file that is not a database fails here, before any write.
    db.pragma('schema_version');
    if (!memory && request.mode !== 'ro') db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${request.synchronous}`);
    db.pragma('foreign_keys = ON');
    checkSchema(db, request);
    return db;
  } catch (error) {
    db?.close();
    throw StateStoreError.isInstance(error) ? error : openFailure(request.path, error);
  }
}
