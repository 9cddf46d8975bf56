import type { FlowResult } from '@stepflow/protocol';
import type { BuiltinComponent } from './builtin-component.ts';
import { prepareInlineFlow } from './inline-flow.ts';
import { runNestedFlow } from './run-nested-flow.ts';

/**
 * `/map`: runs a flow once per item (at most `max_concurrency` at a time, default all) and keeps
 * every sub-result in input order, counting successes, failures and skips (DECISIONS item 18).
 */
export const mapComponent: BuiltinComponent = {
  name: '/map',
  description: 'Apply a workflow to each item in a list and collect the results',
  inputSchema: {
    type: 'object',
    properties: {
      workflow: { type: 'object' },
      items: { type: 'array' },
      max_concurrency: { type: ['integer', 'null'], minimum: 1 },
    },
    required: ['workflow', 'items'],
  },
  outputSchema: {
    type: 'object',
    properties: {
      results: { type: 'array', items: { type: 'object' } },
      successful: { type: 'integer' },
      failed: { type: 'integer' },
      skipped: { type: 'integer' },
    },
    required: ['results', 'successful', 'failed', 'skipped'],
  },
  async execute(input, context) {
    const flow = prepareInlineFlow(input.workflow, '/map', 'workflow');
    const items = input.items as unknown[];
    const limit =
      typeof input.max_concurrency === 'number' ? input.max_concurrency : Math.max(1, items.length);
    const results: FlowResult[] = new Array<FlowResult>(items.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length) {
        const index = next++;
        results[index] = (await runNestedFlow(context, flow, items[index])).result;
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    let successful = 0;
    let failed = 0;
    let skipped = 0;
    for (const result of results) {
      if (result.outcome === 'success') successful++;
      else if (result.outcome === 'failed') failed++;
      else skipped++;
    }
    return { results, successful, failed, skipped };
  },
};
