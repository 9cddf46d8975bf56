import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { createMemoryStateStore, parseStateStoreUrl, type StateStore } from '@stepflow/state-store';

/** Options of {@link openStateStore}. */
export interface OpenStateStoreOptions {
  /** Base of a relative SQLite path; default the process's working directory. */
  readonly workingDirectory?: string;
  /** Create or upgrade the schema on open (default true); off, an old schema is an error. */
  readonly autoMigrate?: boolean;
  /** PostgreSQL pool size. */
  readonly maxConnections?: number;
}

/**
 * Opens the state store a URL names: `memory`, `sqlite:<path>` (the reference's forms such as
 * `sqlite:path?mode=rwc` and `sqlite::memory:` included; the file's folder is created), or
 * `postgres://…`. The SQLite and PostgreSQL drivers load only when their store is asked for.
 * A store that cannot be opened or migrated throws a `StateStoreError` naming it (never with a
 * password); the caller closes the store.
 */
export async function openStateStore(
  url: string,
  options: OpenStateStoreOptions = {},
): Promise<StateStore> {
  const location = parseStateStoreUrl(url);
  switch (location.kind) {
    case 'memory':
      return createMemoryStateStore();
    case 'sqlite': {
      const { createSqliteStateStore } = await import('@stepflow/store-sqlite');
      let path = location.path;
      if (path !== ':memory:') {
        path = isAbsolute(path) ? path : resolve(options.workingDirectory ?? process.cwd(), path);
        if (location.mode === 'rwc') mkdirSync(dirname(path), { recursive: true });
      }
      return createSqliteStateStore({
        path,
        mode: location.mode,
        ...(location.synchronous === undefined ? {} : { synchronous: location.synchronous }),
        ...(options.autoMigrate === undefined ? {} : { autoMigrate: options.autoMigrate }),
      });
    }
    case 'postgres': {
      const { createPostgresStateStore } = await import('@stepflow/store-postgres');
      return createPostgresStateStore({
        connectionString: location.url,
        ...(options.autoMigrate === undefined ? {} : { autoMigrate: options.autoMigrate }),
        ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
      });
    }
  }
}
