import { POSTGRES_LATEST_VERSION } from './internal/pg-migrations.ts';

/** The schema version this package writes (recorded in `<schema>.schema_migrations`). */
export const POSTGRES_SCHEMA_VERSION: number = POSTGRES_LATEST_VERSION;
