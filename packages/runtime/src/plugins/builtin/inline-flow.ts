import { type Flow, ErrorCodes, normalizeFlowAliases } from '@stepflow/protocol';
import { ComponentError } from '../../errors/component-error.ts';
import { validateFlow } from '../../validation/validate-flow.ts';

const prepared = new WeakMap<object, Flow>();

/**
 * Reads a flow given inline in a builtin's input (`map.workflow`, `iterate.flow`): aliases
 * normalised, fatal diagnostics rejected as invalid input. Cached per object, so a flow written
 * as a `$literal` is prepared once however many runs use it.
 */
export function prepareInlineFlow(raw: unknown, component: string, field: string): Flow {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ComponentError(
      ErrorCodes.invalidParams,
      `Invalid input for ${component}: '${field}' must be a flow object`,
    );
  }
  const cached = prepared.get(raw);
  if (cached) return cached;
  const flow = normalizeFlowAliases(raw).value as Flow;
  const fatal = validateFlow(flow).filter((d) => d.level === 'fatal');
  if (fatal.length > 0) {
    throw new ComponentError(
      ErrorCodes.invalidParams,
      `Invalid input for ${component}: '${field}' is not a valid flow: ${fatal.map((d) => d.message).join('; ')}`,
    );
  }
  prepared.set(raw, flow);
  return flow;
}
