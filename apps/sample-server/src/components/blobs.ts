import type { ComponentServer } from '@stepflow/server-sdk';
import * as z from 'zod';

/** Registers `/store_blob` and `/read_blob`: keep a JSON value in the runtime's blob store and get it back. */
export function addBlobComponents(server: ComponentServer): void {
  server.component(
    'store_blob',
    {
      description: "Stores a JSON value in the runtime's blob store and returns its id",
      input: z.object({ value: z.unknown() }),
      output: z.object({ blob_id: z.string() }),
    },
    async ({ value }, context) => ({ blob_id: await context.putBlob(value ?? null) }),
  );
  server.component(
    'read_blob',
    {
      description: "Reads a JSON value from the runtime's blob store",
      input: z.object({
        blob_id: z.string().regex(/^[0-9a-f]{64}$/, 'must be a blob id (64 hex characters)'),
      }),
      output: z.object({ value: z.unknown() }),
    },
    async ({ blob_id }, context) => ({ value: await context.getBlob(blob_id) }),
  );
}
