// Public API of @stepflow/sample-server: every export is listed here by name.
export { createSampleServer } from './sample-server.ts';
export type { SampleServerOptions } from './sample-server.ts';
export { textStats } from './components/text-stats.ts';
export type { TextStats } from './components/text-stats.ts';
export { readPath } from './components/json-transform.ts';
