import type { RuntimeServices } from './runtime-services.ts';

/**
 * Runtime services built on first call by `build`: plugins are created before the services
 * they may call back into exist, so they get this stand-in.
 */
export function lazyServices(build: () => RuntimeServices): RuntimeServices {
  let services: RuntimeServices | undefined;
  const get = (): RuntimeServices => (services ??= build());
  return {
    putBlob: (data, blobType) => get().putBlob(data, blobType),
    getBlob: (id) => get().getBlob(id),
    evaluateFlow: (flowId, input, options) => get().evaluateFlow(flowId, input, options),
    runFlow: (flow, input, options) => {
      const target = get();
      return target.runFlow
        ? target.runFlow(flow, input, options)
        : Promise.reject(new Error('runFlow is not available'));
    },
    getFlowMetadata: (flowId, stepId) => get().getFlowMetadata(flowId, stepId),
    submitBatch: (flowId, inputs, options) => get().submitBatch(flowId, inputs, options),
    getBatch: (batchId, options) => get().getBatch(batchId, options),
  };
}
