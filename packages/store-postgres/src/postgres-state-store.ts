import pg from 'pg';
import {
  composeStateStore,
  parseStateStoreUrl,
  redactUrl,
  StateStoreError,
  systemStoreClock,
  type StateStore,
  type StoreClock,
} from '@stepflow/state-store';
import { migratePostgres, quoteIdentifier } from './internal/pg-migrations.ts';
import { PostgresAnswerStore } from './internal/pg-answers.ts';
import { PostgresBatchStore } from './internal/pg-batches.ts';
import { PostgresBlobStore } from './internal/pg-blobs.ts';
import { PostgresConnection } from './internal/pg-connection.ts';
import { PostgresJournal } from './internal/pg-journal.ts';
import { PostgresLeaseStore } from './internal/pg-leases.ts';
import { PostgresRunStore } from './internal/pg-runs.ts';
import { PostgresWatcher } from './internal/pg-watch.ts';

/** Options of `createPostgresStateStore`. */
export interface PostgresStateStoreOptions {
  /** `postgres://user:password@host:5432/database` (a `?host=/socket/dir` query works too). */
  readonly connectionString: string;
  /** Connection pool size (default 10). */
  readonly maxConnections?: number;
  /**
   * Create or migrate the tables on open (default `true`), under an advisory lock so several
   * processes can start at once. Off, a missing or old schema is a `schema-outdated` error.
   */
  readonly autoMigrate?: boolean;
  /** PostgreSQL schema (namespace) holding the tables (default `stepflow`). */
  readonly schema?: string;
  /** Source of record timestamps and lease expiry (default: the system clock). */
  readonly clock?: StoreClock;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens a PostgreSQL state store: a connection pool, migrations (under an advisory lock), one
 * transaction per write with the affected rows locked, and `FOR UPDATE SKIP LOCKED` claims for
 * multi-process scale-out, and `LISTEN`/`NOTIFY` change notices between processes (`watch`). A
 * schema that belongs to something else or is newer than this code is
 * refused with a `StateStoreError`, never modified.
 */
export async function createPostgresStateStore(
  options: PostgresStateStoreOptions,
): Promise<StateStore> {
  const schema = options.schema ?? 'stepflow';
  if (!SCHEMA_NAME.test(schema)) {
    throw new StateStoreError(
      'invalid-input',
      `createPostgresStateStore: schema must be a lowercase SQL identifier, not "${schema}"`,
    );
  }
  const maxConnections = options.maxConnections ?? 10;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw new StateStoreError(
      'invalid-input',
      `createPostgresStateStore: maxConnections must be a positive integer, not ${maxConnections}`,
    );
  }
  const location = parseStateStoreUrl(options.connectionString);
  if (location.kind !== 'postgres') {
    throw new StateStoreError(
      'invalid-input',
      `Not a PostgreSQL URL: ${redactUrl(options.connectionString)} (expected postgres://…)`,
    );
  }
  const clock = options.clock ?? systemStoreClock;
  const where = `PostgreSQL ${redactUrl(location.url)}, schema ${schema}`;
  const pool = new pg.Pool({ connectionString: location.url, max: maxConnections });
  // An idle client's error (server restart) must not crash the process; the next query fails.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect().catch((error: unknown) => {
      throw new StateStoreError(
        'invalid-input',
        `Cannot connect to ${where}: ${(error as Error).message}`,
        { cause: error },
      );
    });
    try {
      await migratePostgres(client, {
        schema,
        autoMigrate: options.autoMigrate ?? true,
        now: clock.now(),
        where,
      });
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  // The schema's notification channel: each schema is its own store, so is its channel.
  const connection = new PostgresConnection(pool, clock, quoteIdentifier(schema), where, schema);
  const watcher = new PostgresWatcher({ url: location.url, channel: schema, where });
  return composeStateStore(
    'postgres',
    {
      blobs: new PostgresBlobStore(connection),
      runs: new PostgresRunStore(connection),
      journal: new PostgresJournal(connection),
      batches: new PostgresBatchStore(connection),
      answers: new PostgresAnswerStore(connection),
      leases: new PostgresLeaseStore(connection),
      watch: async (listener) => {
        connection.open();
        return watcher.watch(listener);
      },
    },
    async () => {
      await watcher.close();
      await connection.close();
    },
  );
}

/** Options of `openPostgresStateStoreFromUrl` besides the URL. */
export type PostgresUrlOptions = Omit<PostgresStateStoreOptions, 'connectionString'>;

/** Opens the PostgreSQL store a `postgres://` URL names; any other URL is `invalid-input`. */
export function openPostgresStateStoreFromUrl(
  url: string,
  options: PostgresUrlOptions = {},
): Promise<StateStore> {
  return createPostgresStateStore({ ...options, connectionString: url });
}
