// Public API of @stepflow/store-postgres: every export is listed here by name.
export { createPostgresStateStore, openPostgresStateStoreFromUrl } from './postgres-state-store.ts';
export type { PostgresStateStoreOptions, PostgresUrlOptions } from './postgres-state-store.ts';
export { POSTGRES_SCHEMA_VERSION } from './schema-version.ts';
