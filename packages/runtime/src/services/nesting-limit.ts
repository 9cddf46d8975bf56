import { ErrorCodes } from '@stepflow/protocol';
import { RuntimeServiceError } from '../errors/runtime-service-error.ts';

const PREFIX = 'Maximum nesting depth of ';
/** How far down a chain of `data.cause`s the limit is looked for (each level adds two). */
const CAUSE_HOPS = 16;

/** The error a nested run gets when it would go deeper than `maxDepth` runs. */
export function nestingLimitError(maxDepth: number, depth: number): RuntimeServiceError {
  return new RuntimeServiceError(ErrorCodes.serverError, `${PREFIX}${maxDepth} runs exceeded`, {
    max_depth: maxDepth,
    depth,
  });
}

/**
 * Whether a nested run failed because a run below it hit the nesting limit. Such a run must not
 * look like an ordinary failed sub-flow (which `eval` and `map` report as success): the limit is
 * a failure of every run above it.
 */
export function isNestingLimitFailure(error: unknown): boolean {
  let current = error;
  for (let hop = 0; hop < CAUSE_HOPS; hop++) {
    if (typeof current !== 'object' || current === null) return false;
    const { message, data } = current as { message?: unknown; data?: unknown };
    if (typeof data !== 'object' || data === null) return false;
    if (
      typeof message === 'string' &&
      message.startsWith(PREFIX) &&
      typeof (data as { max_depth?: unknown }).max_depth === 'number'
    )
      return true;
    current = (data as { cause?: unknown }).cause;
  }
  return false;
}
