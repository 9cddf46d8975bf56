// Test helpers of @stepflow/store-postgres (`@stepflow/store-postgres/testing`).
export {
  findPostgresBinaries,
  startTestPostgres,
  testPostgresUnavailableReason,
} from './test-postgres.ts';
export type { TestPostgres, TestPostgresOptions } from './test-postgres.ts';
