import type { FlowResult } from '@stepflow/protocol';
import type { BuiltinComponent } from './builtin-component.ts';
import { prepareInlineFlow } from './inline-flow.ts';
import { runNestedFlow } from './run-nested-flow.ts';

function contractError(message: string): FlowResult {
  return { outcome: 'failed', error: { code: 400, message } };
}

/**
 * `/iterate`: runs a flow repeatedly; a result `{next: v}` continues with `v`, `{result: v}`
 * stops. Contract violations and sub-flow failures are failed results (onError-eligible).
 */
export const iterateComponent: BuiltinComponent = {
  name: '/iterate',
  description: 'Iteratively apply a workflow until it returns a result instead of next',
  returnsFlowResult: true,
  inputSchema: {
    type: 'object',
    properties: {
      flow: { type: 'object' },
      initial_input: {},
      max_iterations: { type: 'integer', minimum: 0, maximum: 4294967295 },
    },
    required: ['flow', 'initial_input'],
  },
  outputSchema: {
    type: 'object',
    properties: { result: {}, iterations: { type: 'integer' }, terminated: { type: 'boolean' } },
    required: ['result', 'iterations', 'terminated'],
  },
  async execute(input, context) {
    const flow = prepareInlineFlow(input.flow, '/iterate', 'flow');
    const maxIterations = typeof input.max_iterations === 'number' ? input.max_iterations : 1000;
    let current = input.initial_input;
    for (let iteration = 1; iteration <= maxIterations; iteration++) {
      const { result } = await runNestedFlow(context, flow, current);
      if (result.outcome === 'failed') return result;
      if (result.outcome === 'skipped')
        return contractError('Workflow cannot be skipped during iteration');
      const value = result.result;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        if (Object.hasOwn(value, 'result')) {
          return {
            outcome: 'success',
            result: {
              result: (value as { result: unknown }).result,
              iterations: iteration,
              terminated: false,
            },
          };
        }
        if (Object.hasOwn(value, 'next')) {
          current = (value as { next: unknown }).next;
          continue;
        }
      }
      return contractError("Workflow result must contain either 'result' or 'next' field");
    }
    return {
      outcome: 'success',
      result: { result: current, iterations: maxIterations, terminated: true },
    };
  },
};
