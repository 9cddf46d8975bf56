// Public API of @stepflow/store-sqlite: every export is listed here by name.
export { createSqliteStateStore, openSqliteStateStoreFromUrl } from './sqlite-state-store.ts';
export type { SqliteStateStoreOptions, SqliteUrlOptions } from './sqlite-state-store.ts';
export { SQLITE_SCHEMA_VERSION } from './schema-version.ts';
