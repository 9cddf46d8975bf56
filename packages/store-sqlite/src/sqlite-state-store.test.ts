import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { stateStoreComplianceSuite } from '@stepflow/state-store/testing';
import { createSqliteStateStore } from './index.ts';

stateStoreComplianceSuite('sqlite file', async ({ clock }) => {
  const directory = await mkdtemp(join(tmpdir(), 'stepflow-sqlite-'));
  const path = join(directory, 'nested', 'state.db');
  return {
    store: createSqliteStateStore({ path, clock }),
    reopen: async () => createSqliteStateStore({ path, clock }),
    corruptBlob: async (id) => {
      const db = new BetterSqlite3(path);
      db.prepare("UPDATE blobs SET data = replace(data, '100', '999') WHERE id = ?").run(id);
      db.close();
    },
    openCorrupt: async () => {
      const file = join(directory, 'corrupt.db');
      await writeFile(file, 'this is not a database, just text that is long enough '.repeat(100));
      return createSqliteStateStore({ path: file, clock });
    },
    openForeign: async () => {
      const file = join(directory, 'foreign.db');
      const db = new BetterSqlite3(file);
      db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)');
      db.close();
      return createSqliteStateStore({ path: file, clock });
    },
    openNewerSchema: async () => {
      const file = join(directory, 'newer.db');
      await createSqliteStateStore({ path: file, clock }).close();
      const db = new BetterSqlite3(file);
      db.prepare("INSERT INTO schema_migrations VALUES (999, 'from_the_future', 0)").run();
      db.close();
      return createSqliteStateStore({ path: file, clock });
    },
    dispose: () => rm(directory, { recursive: true, force: true }),
  };
});

stateStoreComplianceSuite('sqlite :memory:', ({ clock }) => ({
  store: createSqliteStateStore({ path: ':memory:', clock }),
}));
