import { setTimeout as sleep } from 'node:timers/promises';
import type { ComponentServer } from '@stepflow/server-sdk';
import * as z from 'zod';

/** Registers `/slow`: waits, in small ticks, and stops as soon as it is cancelled or timed out. */
export function addSlow(server: ComponentServer): void {
  server.component(
    'slow',
    {
      description:
        'Waits `ms` milliseconds in ticks, honouring cancellation and the execution time limit',
      input: z.object({
        ms: z.number().int().min(0).max(3_600_000),
        tick_ms: z.number().int().min(1).default(50),
      }),
      output: z.object({ waited_ms: z.number(), ticks: z.number().int() }),
    },
    async ({ ms, tick_ms }, context) => {
      const started = performance.now();
      let ticks = 0;
      // At least one tick for any wait: however late the loop starts on a loaded machine, a
      // `ms > 0` call has waited (and could be cancelled) at least once.
      for (let elapsed = 0; ms > 0 && (ticks === 0 || elapsed < ms);) {
        // Rejects with the abort reason the moment the signal aborts.
        await sleep(Math.max(0, Math.min(tick_ms, ms - elapsed)), undefined, {
          signal: context.signal,
        });
        ticks += 1;
        elapsed = performance.now() - started;
      }
      return { waited_ms: Math.round(performance.now() - started), ticks };
    },
  );
}
