// Test helpers of @stepflow/jsonrpc (`@stepflow/jsonrpc/testing`).
export { createLinkedTransportPair } from './linked-transport-pair.ts';
export type { LinkedTransport } from './linked-transport-pair.ts';
