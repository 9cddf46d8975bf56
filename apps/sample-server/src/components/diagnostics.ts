import { setTimeout as sleep } from 'node:timers/promises';
import type { ComponentServer } from '@stepflow/server-sdk';
import * as z from 'zod';

/**
 * Registers components that exercise the runtime's plumbing rather than compute anything:
 * `/crash_once` (kills this server process on early attempts, so the runtime must restart it and
 * retry), `/step_metadata` (reads flow and step metadata back through the runtime) and
 * `/concurrency_probe` (reports how many executions overlapped, to check concurrency limits) and
 * `/blob_roundtrip` (one `blobs/put` and one `blobs/get` callback, for benchmarks).
 */
export function addDiagnostics(server: ComponentServer): void {
  server.component(
    'crash_once',
    {
      description:
        'Exits this server process (code 1) while the attempt number is at most `crash_attempts` (default 1); then returns the attempt',
      input: z.object({
        crash_attempts: z.number().int().min(0).default(1),
        value: z.unknown().optional(),
      }),
      output: z.object({ attempt: z.number().int(), value: z.unknown() }),
    },
    ({ crash_attempts, value }, context) => {
      if (context.attempt <= crash_attempts) {
        process.stderr.write(`crash_once: exiting on attempt ${context.attempt}\n`);
        process.exit(1);
      }
      return { attempt: context.attempt, value: value ?? null };
    },
  );
  server.component(
    'step_metadata',
    {
      description:
        "Returns the flow's metadata, this step's metadata and, when `other_step` is given, that step's",
      input: z.object({ other_step: z.string().optional() }),
    },
    async ({ other_step }, context) => {
      const own = await context.getMetadata();
      const other = other_step === undefined ? undefined : await context.getMetadata(other_step);
      return {
        flow_metadata: own.flow_metadata,
        step_metadata: own.step_metadata ?? null,
        ...(other === undefined ? {} : { other_step_metadata: other.step_metadata ?? null }),
      };
    },
  );
  let running = 0;
  let peak = 0;
  server.component(
    'concurrency_probe',
    {
      description:
        'Waits `ms` milliseconds and reports how many executions of this component ran at once so far (`peak`)',
      input: z.object({ ms: z.number().int().min(0).max(60_000).default(20) }),
      output: z.object({ peak: z.number().int() }),
    },
    async ({ ms }, context) => {
      running += 1;
      peak = Math.max(peak, running);
      try {
        await sleep(ms, undefined, { signal: context.signal });
        return { peak };
      } finally {
        running -= 1;
      }
    },
  );
  server.component(
    'blob_roundtrip',
    {
      description:
        "Stores `value` in the runtime's blob store and reads it back: one blobs/put and one blobs/get",
      input: z.object({ value: z.unknown() }),
      output: z.object({ blob_id: z.string(), value: z.unknown() }),
    },
    async ({ value }, context) => {
      const blobId = await context.putBlob(value ?? null);
      return { blob_id: blobId, value: await context.getBlob(blobId) };
    },
  );
}
