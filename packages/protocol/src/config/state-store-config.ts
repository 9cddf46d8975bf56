import { z } from 'zod';

/** Schema for the in-memory state store (lost when the process exits). */
export const InMemoryStateStoreConfigSchema = z.looseObject({
  type: z.literal('inMemory'),
});

const sqlFields = {
  /** Connection URL, e.g. `sqlite:state.db?mode=rwc` or `postgres://…`. */
  databaseUrl: z.string(),
  /** Connection pool size (default 10). */
  maxConnections: z.int().min(1).default(10),
  /** Create or migrate tables on start (default true). */
  autoMigrate: z.boolean().default(true),
};

/** Schema for the SQLite state store. */
export const SqliteStateStoreConfigSchema = z.looseObject({
  type: z.literal('sqlite'),
  ...sqlFields,
});

/** Schema for the PostgreSQL state store (scale-out). */
export const PostgresStateStoreConfigSchema = z.looseObject({
  type: z.literal('postgres'),
  ...sqlFields,
});

/** Schema for where runs, step results and blobs are kept, tagged by `type`. */
export const StateStoreConfigSchema = z.discriminatedUnion('type', [
  InMemoryStateStoreConfigSchema,
  SqliteStateStoreConfigSchema,
  PostgresStateStoreConfigSchema,
]);

/** Where runs, step results and blobs are kept. */
export type StateStoreConfig = z.infer<typeof StateStoreConfigSchema>;
