// Public API of @stepflow/service: every export is listed here by name.
export type { Service, ServiceMount, ServiceOptions } from './create-service.ts';
export { createService } from './create-service.ts';
export { DEFAULT_MAX_BODY_BYTES } from './request-checks.ts';
export { DEFAULT_BATCH_CONCURRENCY } from './batch-runner.ts';
export type { ServiceServer, ServiceServerOptions } from './start-service-server.ts';
export { startServiceServer } from './start-service-server.ts';
export type { StartRun } from './run-supervisor.ts';
export { RunSupervisor } from './run-supervisor.ts';
export type { ScaleOutOptions } from './create-service.ts';
export { RunFences } from './run-fences.ts';
export type { ClaimerTimers } from './claimer-timers.ts';
export { systemClaimerTimers } from './claimer-timers.ts';
export type { WorkClaimerOptions } from './work-claimer.ts';
export {
  DEFAULT_CLAIM_POLL_MS,
  DEFAULT_LEASE_TTL_MS,
  DEFAULT_MAX_RUNS,
  defaultLeaseOwner,
  WorkClaimer,
} from './work-claimer.ts';
