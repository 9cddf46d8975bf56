import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Flow } from '@stepflow/protocol';
import type { Runtime } from '@stepflow/runtime';
import type { StateStore } from '@stepflow/state-store';
import type { BatchRunner } from './batch-runner.ts';
import type { DebugRuns } from './debug-runs.ts';
import type { EventFeed } from './event-feed.ts';
import type { RunSupervisor } from './run-supervisor.ts';
import type { WorkClaimer } from './work-claimer.ts';

/** What every route group works with. */
export interface ServiceContext {
  readonly runtime: Runtime;
  readonly store: StateStore;
  readonly supervisor: RunSupervisor;
  readonly batches: BatchRunner;
  /** Claims the runs of a store shared with other runtimes (scale-out); else `undefined`. */
  readonly claimer: WorkClaimer | undefined;
  /** Debug runs and their step gates. */
  readonly debug: DebugRuns;
  /** Every run's events in this process, for `GET /events`. */
  readonly events: EventFeed;
  /** Stored flows read so far, by id. */
  readonly flowCache: Map<string, Flow>;
  /** Reported by `GET /health`. */
  readonly version: string;
  /** Aborted when the service closes: ends event streams. */
  readonly closed: AbortSignal;
}

/** The app the route groups register on. */
export type ServiceApp = OpenAPIHono;
