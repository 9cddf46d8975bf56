import type { PoolClient } from 'pg';
import { StateStoreError } from '@stepflow/state-store';

/** One schema change, applied in order and recorded in `<schema>.schema_migrations`. */
interface PostgresMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: (schema: string) => string;
}

/** The comment on our `schema_migrations` table: tells our schema from a foreign one. */
const MARKER = 'stepflow state store';

/** Every migration, oldest first. Never edit one that shipped: add a new version. */
const MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'create_state_store',
    // JSON is kept as text, not jsonb: jsonb reorders keys and blob ids hash the exact text.
    // Times are ms since the epoch (double precision: exact integers, read back as numbers).
    sql: (s) => `
      CREATE TABLE ${s}.blobs (
        id text PRIMARY KEY,
        data text NOT NULL,
        blob_type text NOT NULL,
        created_at double precision NOT NULL
      );
      CREATE TABLE ${s}.batches (
        id text PRIMARY KEY,
        flow_id text NOT NULL REFERENCES ${s}.blobs(id),
        flow_name text,
        total integer NOT NULL,
        status text NOT NULL,
        max_concurrency integer,
        created_at double precision NOT NULL,
        updated_at double precision NOT NULL
      );
      CREATE TABLE ${s}.runs (
        position bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        flow_id text NOT NULL REFERENCES ${s}.blobs(id),
        flow_name text,
        input text NOT NULL,
        status text NOT NULL,
        parent_run_id text,
        parent_step_id text,
        batch_id text REFERENCES ${s}.batches(id),
        batch_index integer,
        created_at double precision NOT NULL,
        updated_at double precision NOT NULL,
        completed_at double precision,
        wake_at double precision,
        result text,
        last_seq integer NOT NULL DEFAULT 0,
        lease_owner text,
        lease_acquired_at double precision,
        lease_expires_at double precision
      );
      CREATE INDEX runs_status ON ${s}.runs(status, position);
      CREATE INDEX runs_flow_id ON ${s}.runs(flow_id, position);
      CREATE INDEX runs_flow_name ON ${s}.runs(flow_name, position);
      CREATE INDEX runs_parent ON ${s}.runs(parent_run_id, position);
      CREATE INDEX runs_batch ON ${s}.runs(batch_id, batch_index);
      CREATE INDEX runs_wake_at ON ${s}.runs(wake_at) WHERE wake_at IS NOT NULL;
      CREATE TABLE ${s}.journal (
        run_id text NOT NULL REFERENCES ${s}.runs(id),
        seq integer NOT NULL,
        type text NOT NULL,
        event text NOT NULL,
        PRIMARY KEY (run_id, seq)
      );
      CREATE TABLE ${s}.pending_answers (
        position bigserial PRIMARY KEY,
        run_id text NOT NULL REFERENCES ${s}.runs(id),
        step_id text NOT NULL,
        prompt text NOT NULL,
        schema text,
        answer text,
        answered_by text,
        created_at double precision NOT NULL,
        answered_at double precision,
        expires_at double precision,
        UNIQUE (run_id, step_id)
      );
    `,
  },
  {
    version: 2,
    name: 'batch_positions',
    // Creation order for listing batches: existing rows are renumbered by creation time (the
    // column's default numbers them in scan order), new ones take the sequence's next values.
    sql: (s) => `
      ALTER TABLE ${s}.batches ADD COLUMN position bigserial;
      UPDATE ${s}.batches b SET position = o.n
        FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM ${s}.batches) o
       WHERE b.id = o.id;
      CREATE UNIQUE INDEX batches_position ON ${s}.batches(position);
      CREATE INDEX batches_status ON ${s}.batches(status, position);
    `,
  },
  {
    version: 3,
    name: 'pending_answer_prompt_as_json',
    // A prompt is any JSON now: the column holds its JSON text, so earlier (string) prompts
    // become JSON strings.
    sql: (s) => `UPDATE ${s}.pending_answers SET prompt = to_jsonb(prompt)::text;`,
  },
  {
    version: 5,
    name: 'lease_epochs',
    // The fencing counter of each run's lease (kept across releases, so a new taker always gets
    // a higher one), and an index for a runtime's heartbeat and drain over all its leases.
    sql: (s) => `
      ALTER TABLE ${s}.runs ADD COLUMN lease_epoch integer NOT NULL DEFAULT 0;
      CREATE INDEX runs_lease_owner ON ${s}.runs(lease_owner) WHERE lease_owner IS NOT NULL;
    `,
  },
];

/** The schema version this code writes. */
export const POSTGRES_LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Quotes an identifier (the schema name is the caller's). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function inspect(client: PoolClient, schema: string, where: string): Promise<number> {
  const tables = await client.query<{ name: string; comment: string | null }>(
    `SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS comment
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v')`,
    [schema],
  );
  if (tables.rows.length === 0) return 0;
  const migrations = tables.rows.find((t) => t.name === 'schema_migrations');
  if (migrations?.comment !== MARKER) {
    throw new StateStoreError(
      'database-foreign',
      `${where} holds ${tables.rows.length} tables that are not a Stepflow state store; ` +
        'refusing to modify them (choose another schema or database).',
    );
  }
  try {
    const version = await client.query<{ version: number | null }>(
      `SELECT MAX(version)::integer AS version FROM ${quoteIdentifier(schema)}.schema_migrations`,
    );
    const found = version.rows[0]?.version;
    if (typeof found !== 'number') throw new Error('no migration is recorded');
    return found;
  } catch (error) {
    throw new StateStoreError(
      'database-corrupt',
      `${where}: its schema_migrations table cannot be read (${(error as Error).message}); ` +
        'refusing to use it.',
      { cause: error },
    );
  }
}

/**
 * Checks the schema and applies missing migrations under a transaction-scoped advisory lock, so
 * several processes starting at once migrate once; the others wait, then find it done.
 */
export async function migratePostgres(
  client: PoolClient,
  options: { schema: string; autoMigrate: boolean; now: number; where: string },
): Promise<void> {
  const { schema, where } = options;
  const q = quoteIdentifier(schema);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`stepflow:${schema}`]);
    const version = await inspect(client, schema, where);
    if (version > POSTGRES_LATEST_VERSION) {
      throw new StateStoreError(
        'schema-too-new',
        `${where} has schema version ${version}, newer than this Stepflow's ` +
          `${POSTGRES_LATEST_VERSION}; upgrade Stepflow to use it.`,
      );
    }
    if (version < POSTGRES_LATEST_VERSION && !options.autoMigrate) {
      throw new StateStoreError(
        'schema-outdated',
        version === 0
          ? `${where} has no Stepflow schema yet and autoMigrate is off; run once with autoMigrate on.`
          : `${where} has schema version ${version}, this Stepflow needs ` +
              `${POSTGRES_LATEST_VERSION}; run once with autoMigrate on to upgrade it.`,
      );
    }
    if (version === 0) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${q}`);
      await client.query(`CREATE TABLE ${q}.schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at double precision NOT NULL
      )`);
      await client.query(`COMMENT ON TABLE ${q}.schema_migrations IS '${MARKER}'`);
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= version) continue;
      await client.query(migration.sql(q));
      await client.query(
        `INSERT INTO ${q}.schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
        [migration.version, migration.name, options.now],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
