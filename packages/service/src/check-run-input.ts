import type { Flow } from '@stepflow/protocol';
import { InputValidationError, MAX_VALUE_DEPTH, validateFlowInput } from '@stepflow/runtime';
import { ApiError } from './api-error.ts';

/**
 * Refuses (400, naming `field`) an input the runtime would refuse: nested deeper than
 * `MAX_VALUE_DEPTH` or not matching the flow's `inputSchema`. Checked here, before the run
 * record exists, so a new run starts without the runtime reading its (empty) journal again.
 */
export function checkRunInput(flow: Flow, input: unknown, field: string): void {
  if (exceedsDepth(input, MAX_VALUE_DEPTH))
    throw new ApiError(400, `${field}: nested more than ${MAX_VALUE_DEPTH} levels deep`);
  try {
    validateFlowInput(flow, input);
  } catch (error) {
    if (InputValidationError.isInstance(error))
      throw new ApiError(400, `${field}: ${error.message}`);
    throw error;
  }
}

function exceedsDepth(value: unknown, remaining: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (remaining === 0) return true;
  for (const child of Array.isArray(value) ? value : Object.values(value))
    if (exceedsDepth(child, remaining - 1)) return true;
  return false;
}
