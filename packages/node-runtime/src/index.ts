// Public API of @stepflow/node-runtime: every export is listed here by name.
export { createNodeRuntime } from './create-node-runtime.ts';
export type { NodeRuntimeOptions } from './create-node-runtime.ts';
export { loadFlowAndConfig } from './load-flow-and-config.ts';
export type { FlowAndConfig, LoadFlowAndConfigOptions } from './load-flow-and-config.ts';
export { nodeTransportFactories } from './node-transport-factories.ts';
export { openStateStore } from './open-state-store.ts';
export type { OpenStateStoreOptions } from './open-state-store.ts';
