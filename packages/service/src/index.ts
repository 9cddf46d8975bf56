// Public API of @stepflow/service: every export is listed here by name.
export type { Service, ServiceMount, ServiceOptions } from './create-service.ts';
export { createService } from './create-service.ts';
export { DEFAULT_MAX_BODY_BYTES } from './request-checks.ts';
export { DEFAULT_BATCH_CONCURRENCY } from './batch-runner.ts';
export type { ServiceServer, ServiceServerOptions } from './start-service-server.ts';
export { startServiceServer } from './start-service-server.ts';
export type { StartRun } from './run-supervisor.ts';
export { RunSupervisor } from './run-supervisor.ts';
