import { LATEST_VERSION } from './internal/sqlite-migrations.ts';

/** The schema version this package writes (recorded in each file's `schema_migrations`). */
export const SQLITE_SCHEMA_VERSION: number = LATEST_VERSION;
