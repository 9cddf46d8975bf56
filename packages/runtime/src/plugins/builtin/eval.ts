import type { BuiltinComponent } from './builtin-component.ts';

/** `/eval`: runs a stored flow as a nested run; its FlowResult is wrapped, with the nested run id. */
export const evalComponent: BuiltinComponent = {
  name: '/eval',
  description: 'Execute a nested workflow with given input and return the result',
  inputSchema: {
    type: 'object',
    properties: { flow_id: { type: 'string', pattern: '^[0-9a-f]{64}$' }, input: {} },
    required: ['flow_id'],
  },
  outputSchema: {
    type: 'object',
    properties: { result: { type: 'object' }, run_id: { type: 'string' } },
    required: ['result', 'run_id'],
  },
  async execute(input, context) {
    const outcome = await context.services.evaluateFlow(
      input.flow_id as string,
      input.input ?? null,
      { signal: context.signal },
    );
    return { result: outcome.result, run_id: outcome.runId };
  },
};
