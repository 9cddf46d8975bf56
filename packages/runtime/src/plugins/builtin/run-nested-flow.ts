import type { Flow } from '@stepflow/protocol';
import type { ExecutionContext } from '../plugin.ts';
import type { EvaluateFlowOutcome } from '../../services/runtime-services.ts';

/** Runs an inline flow through the context's services (`runFlow`, else store + evaluate). */
export async function runNestedFlow(
  context: ExecutionContext,
  flow: Flow,
  input: unknown,
): Promise<EvaluateFlowOutcome> {
  const services = context.services;
  if (services.runFlow) return services.runFlow(flow, input, { signal: context.signal });
  const flowId = await services.putBlob(flow, 'flow');
  return services.evaluateFlow(flowId, input, { signal: context.signal });
}
