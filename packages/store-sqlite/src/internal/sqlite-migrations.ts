import type { Database } from 'better-sqlite3';

/** One schema change; versions are applied in order and recorded in `schema_migrations`. */
export interface SqliteMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** `PRAGMA application_id` of a Stepflow store ("SFST"): tells our files from foreign ones. */
export const APPLICATION_ID = 0x53465354;

/** Every migration, oldest first. Never edit one that shipped: add a new version. */
export const MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'create_state_store',
    sql: `
      CREATE TABLE blobs (
        id TEXT PRIMARY KEY,
        data TEXT NOT NULL,
        blob_type TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE batches (
        id TEXT PRIMARY KEY,
        flow_id TEXT NOT NULL REFERENCES blobs(id),
        flow_name TEXT,
        total INTEGER NOT NULL,
        status TEXT NOT NULL,
        max_concurrency INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      -- position: creation order (ties on created_at keep insertion order).
      CREATE TABLE runs (
        position INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        flow_id TEXT NOT NULL REFERENCES blobs(id),
        flow_name TEXT,
        input TEXT NOT NULL,
        status TEXT NOT NULL,
        parent_run_id TEXT,
        parent_step_id TEXT,
        batch_id TEXT REFERENCES batches(id),
        batch_index INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        completed_at INTEGER,
        wake_at INTEGER,
        result TEXT,
        last_seq INTEGER NOT NULL DEFAULT 0,
        lease_owner TEXT,
        lease_acquired_at INTEGER,
        lease_expires_at INTEGER
      );
      CREATE INDEX runs_status ON runs(status, position);
      CREATE INDEX runs_flow_id ON runs(flow_id, position);
      CREATE INDEX runs_flow_name ON runs(flow_name, position);
      CREATE INDEX runs_parent ON runs(parent_run_id, position);
      CREATE INDEX runs_batch ON runs(batch_id, batch_index);
      CREATE INDEX runs_wake_at ON runs(wake_at) WHERE wake_at IS NOT NULL;
      CREATE TABLE journal (
        run_id TEXT NOT NULL REFERENCES runs(id),
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        event TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      -- answer IS NULL: not answered yet (an answered null is the JSON text 'null').
      CREATE TABLE pending_answers (
        position INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL REFERENCES runs(id),
        step_id TEXT NOT NULL,
        prompt TEXT NOT NULL,
        schema TEXT,
        answer TEXT,
        answered_by TEXT,
        created_at INTEGER NOT NULL,
        answered_at INTEGER,
        expires_at INTEGER,
        UNIQUE (run_id, step_id)
      );
    `,
  },
  {
    version: 2,
    name: 'batch_positions',
    // Creation order for listing batches (a rowid may change on VACUUM; this does not).
    sql: `
      ALTER TABLE batches ADD COLUMN position INTEGER;
      UPDATE batches SET position = rowid;
      CREATE UNIQUE INDEX batches_position ON batches(position);
      CREATE INDEX batches_status ON batches(status, position);
    `,
  },
  {
    version: 3,
    name: 'pending_answer_prompt_as_json',
    // A prompt is any JSON now: the column holds its JSON text, so earlier (string) prompts
    // become JSON strings.
    sql: `UPDATE pending_answers SET prompt = json_quote(prompt);`,
  },
  {
    version: 5,
    name: 'lease_epochs',
    // The fencing counter of each run's lease (kept across releases, so a new taker always gets
    // a higher one), and an index for a runtime's heartbeat and drain over all its leases.
    sql: `
      ALTER TABLE runs ADD COLUMN lease_epoch INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX runs_lease_owner ON runs(lease_owner) WHERE lease_owner IS NOT NULL;
    `,
  },
];

/** The schema version this code writes. */
export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The newest applied version, 0 when the table does not exist yet. */
export function appliedVersion(db: Database): number {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!table) return 0;
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as {
    version: number | null;
  };
  return row.version ?? 0;
}

/**
 * Applies the missing migrations in one `BEGIN IMMEDIATE` transaction, so two processes opening
 * the same new file at once cannot both migrate it (the second waits, then finds nothing to do).
 */
export function migrate(db: Database, now: number): void {
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    )`);
    const current = appliedVersion(db);
    const record = db.prepare(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, now);
    }
    db.pragma(`application_id = ${APPLICATION_ID}`);
  }).immediate();
}
