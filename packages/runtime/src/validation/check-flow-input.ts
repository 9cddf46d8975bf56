import type { Flow } from '@stepflow/protocol';
import { InputValidationError } from '../errors/input-validation-error.ts';
import { MAX_VALUE_DEPTH, exceedsValueDepth } from '../internal/value-depth.ts';
import { validateFlowInput } from './validate-input.ts';

/**
 * The checks a flow input passes before a run starts: never nested deeper than
 * `MAX_VALUE_DEPTH` (always: the engine's safety, not the flow's), then the flow's `inputSchema`
 * when `validate` is set. Throws `InputValidationError`.
 */
export function checkFlowInput(flow: Flow, input: unknown, validate: boolean): void {
  if (exceedsValueDepth(input)) {
    const name = (flow as { name?: unknown }).name;
    throw new InputValidationError(
      [
        {
          path: '',
          message: `arrays and objects are nested more than ${MAX_VALUE_DEPTH} levels deep (the limit)`,
        },
      ],
      { problem: 'is nested too deeply', ...(typeof name === 'string' ? { flowName: name } : {}) },
    );
  }
  if (validate) validateFlowInput(flow, input);
}
