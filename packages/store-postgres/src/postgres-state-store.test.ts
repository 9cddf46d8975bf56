import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { stateStoreComplianceSuite } from '@stepflow/state-store/testing';
import { createPostgresStateStore } from './index.ts';
import { startTestPostgres, testPostgresUnavailableReason, type TestPostgres } from './testing.ts';

const unavailable = testPostgresUnavailableReason();
let server: TestPostgres | undefined;
let admin: pg.Pool | undefined;
let schemas = 0;

/** A fresh schema per test: as isolated as a fresh database, and much faster to create. */
function freshSchema(): string {
  return `t_${process.pid}_${++schemas}`;
}

if (unavailable) {
  describe('PostgreSQL state store', () => {
    it.skip(`skipped: ${unavailable}`, () => undefined);
  });
} else {
  beforeAll(async () => {
    server = await startTestPostgres();
    admin = new pg.Pool({ connectionString: server.url, max: 2 });
  }, 60_000);
  afterAll(async () => {
    await admin?.end();
    await server?.stop();
  });

  stateStoreComplianceSuite('postgres', async ({ clock }) => {
    const url = server!.url;
    const schema = freshSchema();
    const open = (name = schema) =>
      createPostgresStateStore({ connectionString: url, schema: name, clock });
    return {
      store: await open(),
      reopen: () => open(),
      corruptBlob: async (id) => {
        await admin!.query(
          `UPDATE ${schema}.blobs SET data = replace(data, '100', '999') WHERE id = $1`,
          [id],
        );
      },
      openCorrupt: async () => {
        const other = freshSchema();
        await open(other).then((store) => store.close());
        await admin!.query(`DELETE FROM ${other}.schema_migrations`);
        return open(other);
      },
      openForeign: async () => {
        const other = freshSchema();
        await admin!.query(`CREATE SCHEMA ${other}; CREATE TABLE ${other}.users (id int)`);
        return open(other);
      },
      openNewerSchema: async () => {
        const other = freshSchema();
        await open(other).then((store) => store.close());
        await admin!.query(`INSERT INTO ${other}.schema_migrations VALUES (999, 'future', 0)`);
        return open(other);
      },
      dispose: async () => {
        await admin!.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      },
    };
  });
}
