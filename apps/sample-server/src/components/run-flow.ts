import { ComponentError, FlowFailedError, type ComponentServer } from '@stepflow/server-sdk';
import * as z from 'zod';

const FlowOrIdSchema = z.union([
  z.string().describe('Blob id of a stored flow'),
  z.looseObject({ schema: z.string() }).describe('A v1 flow document'),
]);

/** Registers `/run_flow` (one sub-flow run) and `/map_flow` (a sub-flow over many items, as a batch). */
export function addRunFlow(server: ComponentServer): void {
  server.component(
    'run_flow',
    {
      description:
        'Runs a sub-flow through the runtime and returns its result (a failed sub-flow fails this step with its error)',
      input: z.object({ flow: FlowOrIdSchema, input: z.unknown() }),
    },
    async ({ flow, input }, context) => {
      try {
        return await context.evaluateFlow(
          flow as Parameters<typeof context.evaluateFlow>[0],
          input ?? null,
        );
      } catch (error) {
        // Pass the sub-flow's own error on instead of the generic -32003.
        if (FlowFailedError.isInstance(error)) {
          throw new ComponentError(error.code, error.message, error.data);
        }
        throw error;
      }
    },
  );
  server.component(
    'map_flow',
    {
      description:
        'Runs a sub-flow once per item as a runtime batch and returns the results in item order',
      input: z.object({
        flow: FlowOrIdSchema,
        items: z.array(z.unknown()),
        max_concurrency: z.number().int().positive().optional(),
      }),
      output: z.object({ results: z.array(z.unknown()) }),
    },
    async ({ flow, items, max_concurrency }, context) => ({
      results: await context.evaluateBatch(
        flow as Parameters<typeof context.evaluateFlow>[0],
        items,
        max_concurrency === undefined ? {} : { maxConcurrency: max_concurrency },
      ),
    }),
  );
}
