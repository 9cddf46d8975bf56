import type { FlowResult } from '@stepflow/protocol';
import type { Resolution } from '../expressions/resolve-template.ts';
import { INFRASTRUCTURE_ERROR_CODE } from './step-failure.ts';

/** Turns the output resolution into the run's FlowResult (§3.5). */
export function outputResult(output: Resolution): FlowResult {
  switch (output.status) {
    case 'success':
      return { outcome: 'success', result: output.value };
    case 'skipped':
      return { outcome: 'skipped' };
    case 'failed':
      return { outcome: 'failed', error: output.error };
    case 'error':
      return {
        outcome: 'failed',
        error: {
          code: INFRASTRUCTURE_ERROR_CODE,
          message: `failed to resolve workflow output: ${output.message}`,
        },
      };
  }
}
