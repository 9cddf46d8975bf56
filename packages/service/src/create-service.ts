import { OpenAPIHono } from '@hono/zod-openapi';
import type { Flow } from '@stepflow/protocol';
import type { Runtime } from '@stepflow/runtime';
import type { StateStore } from '@stepflow/state-store';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { ApiError } from './api-error.ts';
import { apiPageHtml } from './api-page.ts';
import { BatchRunner } from './batch-runner.ts';
import { DebugRuns } from './debug-runs.ts';
import { EventFeed } from './event-feed.ts';
import { requestChecks } from './request-checks.ts';
import { loadStoredFlow } from './load-stored-flow.ts';
import { resumeRuns } from './resume-runs.ts';
import { createStaticSite } from './static-files.ts';
import { registerBatchesRoutes } from './routes/batches-routes.ts';
import { registerDebugRoutes } from './routes/debug-routes.ts';
import { registerComponentsRoutes } from './routes/components-routes.ts';
import { registerEventsRoutes } from './routes/events-routes.ts';
import { registerFlowsRoutes } from './routes/flows-routes.ts';
import { registerHealthRoutes } from './routes/health-routes.ts';
import { registerQuestionsRoutes } from './routes/questions-routes.ts';
import { registerRunsRoutes } from './routes/runs-routes.ts';
import { preloadJsonBody } from './preload-json-body.ts';
import { RemoteRunEvents } from './remote-run-events.ts';
import { RunSupervisor } from './run-supervisor.ts';
import type { ServiceContext } from './service-context.ts';
import { WorkClaimer, type WorkClaimerOptions } from './work-claimer.ts';

/** How to build the service. The caller opens (and after `close`, closes) runtime and store. */
export interface ServiceOptions {
  /** Executes the runs; give it `store` as its `stateStore` so runs are durable. */
  readonly runtime: Runtime;
  /** Flows, runs, journals and batches. */
  readonly store: StateStore;
  /** Bearer token every route but health requires; none when absent. */
  readonly token?: string;
  /** `Host` header values accepted (default: loopback names only); `'any'` off loopback. */
  readonly allowedHosts?: readonly string[] | 'any';
  /** Origins allowed to call from a browser (CORS); none by default. */
  readonly corsOrigins?: readonly string[];
  /** Largest request body in bytes (default 32 MiB): larger answers 413. */
  readonly maxBodyBytes?: number;
  /** The version `GET /health` reports. */
  readonly version?: string;
  /** Recorded as who answered a question through the API (default `api`, or `token` with one). */
  readonly tokenName?: string;
  /**
   * Executes the runs; a fresh one when absent. Pass one to share it with another surface
   * (the MCP server), so a run it starts is the run this API shows and cancels.
   */
  readonly supervisor?: RunSupervisor;
  /**
   * Further handlers served at exact paths (e.g. `/mcp`), behind the same Host/Origin, token
   * and body-size checks as the API; any method reaches them.
   */
  readonly mounts?: readonly ServiceMount[];
  /**
   * A directory of static files served at `/` (the web UI's build, `uiAssetsDirectory` of
   * `@stepflow/ui`): no token needed for them, the Host check and security headers apply.
   */
  readonly staticRoot?: string;
  /**
   * Share the store with other runtimes (scale-out, PostgreSQL): runs and batches go to a queue
   * any runtime claims from under a lease, instead of executing where they were submitted, and
   * `resumeRuns` starts claiming. The runtime's journal must fence appends with
   * `scaleOut.fences` (see {@link ScaleOutOptions}).
   */
  readonly scaleOut?: ScaleOutOptions;
}

/**
 * How this runtime shares its store: its lease owner name, capacity and lease timing. Give the
 * runtime `journal: createStateStoreJournal(store, { fenceOf: fences.fenceOf })` with the same
 * `fences`, so a run whose lease another runtime took writes nothing more.
 */
export type ScaleOutOptions = Omit<
  WorkClaimerOptions,
  'store' | 'supervisor' | 'loadFlow' | 'onNotice' | 'onRunEnded'
>;

/** A web-standard handler served by the service at one path. */
export interface ServiceMount {
  /** The exact path, e.g. `/mcp`. */
  readonly path: string;
  /** Answers every request to `path`, whatever its method. */
  readonly fetch: (request: Request) => Response | Promise<Response>;
}

/** The HTTP service: a web-standard `fetch` handler plus its lifecycle. */
export interface Service {
  /**
   * Answers one request (mount it on `@hono/node-server` or any web-standard server). `env` is
   * the server's per-request bindings: with `@hono/node-server`'s `{ incoming }`, request bodies
   * are read straight from Node's stream.
   */
  readonly fetch: (request: Request, env?: object) => Response | Promise<Response>;
  /**
   * Resumes every top-level run the store has `running` or `paused` (left by a process that died):
   * call once at start-up, before serving. Resolves with how many were resumed.
   */
  resumeRuns(): Promise<number>;
  /** Claims and executes runs of the shared store (with `scaleOut`; else `undefined`). */
  readonly claimer: WorkClaimer | undefined;
  /**
   * Refuses new runs and ends event streams. Close the runtime afterwards: in-flight durable
   * runs stay `running` in the store, for the next process to resume. With `scaleOut`, claims
   * stop too; call `claimer.release()` once the runtime closed, to hand the leases back.
   */
  close(): void;
}

/** Builds the Stepflow HTTP API (`/api/v1`) over a runtime and a state store. */
export function createService(options: ServiceOptions): Service {
  const closed = new AbortController();
  const supervisor = options.supervisor ?? new RunSupervisor(options.runtime, options.store);
  const events = new EventFeed();
  supervisor.onEvent((event) => events.publish(event));
  const flowCache = new Map<string, Flow>();
  const remote = new RemoteRunEvents(options.store, supervisor, events);
  const claimer =
    options.scaleOut === undefined
      ? undefined
      : new WorkClaimer({
          ...options.scaleOut,
          store: options.store,
          supervisor,
          loadFlow: (flowId) => loadStoredFlow({ store: options.store, flowCache }, flowId),
          onNotice: (notice) => {
            if (notice.type === 'events') remote.journalGrew(notice.runId, notice.lastSeq);
          },
          onRunEnded: (run) => {
            // Only called once runs executed, long after `batches` is set.
            if (run.batchId !== undefined) batches.batchRunEnded(run.batchId);
          },
        });
  const batches = new BatchRunner(
    options.store,
    supervisor,
    claimer === undefined ? undefined : () => void claimer.claim(),
  );
  const context: ServiceContext = {
    runtime: options.runtime,
    store: options.store,
    supervisor,
    batches,
    claimer,
    events,
    debug: new DebugRuns(options.store, supervisor, claimer),
    version: options.version ?? '0.0.0',
    closed: closed.signal,
    flowCache,
  };
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (result.success) return undefined;
      const issues = result.error.issues.map(
        (issue) => `${issue.path.length === 0 ? 'body' : issue.path.join('.')}: ${issue.message}`,
      );
      return c.json({ code: 400, message: `Invalid request: ${issues.join('; ')}` }, 400);
    },
  });
  if (options.corsOrigins !== undefined && options.corsOrigins.length > 0)
    app.use('/api/*', cors({ origin: [...options.corsOrigins] }));
  app.use(
    '*',
    ...requestChecks({
      ...options,
      publicPaths: options.staticRoot === undefined ? 'health' : 'health-and-static',
      privatePaths: (options.mounts ?? []).map((mount) => mount.path),
      ...(options.corsOrigins === undefined ? {} : { allowedOrigins: options.corsOrigins }),
    }),
  );
  app.use('/api/v1/*', preloadJsonBody((options.mounts ?? []).map((mount) => mount.path)));
  registerHealthRoutes(app, context);
  registerComponentsRoutes(app, context);
  registerFlowsRoutes(app, context);
  registerRunsRoutes(app, context);
  registerEventsRoutes(app, context);
  registerBatchesRoutes(app, context);
  registerDebugRoutes(app, context);
  registerQuestionsRoutes(app, context, {
    answeredBy: options.tokenName ?? (options.token === undefined ? 'api' : 'token'),
  });
  for (const mount of options.mounts ?? []) app.all(mount.path, (c) => mount.fetch(c.req.raw));
  const documentConfig = {
    openapi: '3.1.0',
    info: { title: 'Stepflow service API', version: context.version },
  };
  app.doc31('/api/v1/openapi.json', documentConfig);
  app.get('/api/v1/docs', (c) => c.html(apiPageHtml(app.getOpenAPI31Document(documentConfig))));
  if (options.staticRoot !== undefined) {
    const site = createStaticSite(options.staticRoot);
    app.get('*', async (c) => {
      if (c.req.path.startsWith('/api/')) return c.notFound();
      return (await site.respond(c.req.method, c.req.path)) ?? c.notFound();
    });
  }
  app.notFound((c) =>
    c.json({ code: 404, message: `No route for ${c.req.method} ${c.req.path}` }, 404),
  );
  app.onError((error, c) => {
    if (ApiError.isInstance(error))
      return c.json({ code: error.status, message: error.message }, error.status);
    if (error instanceof HTTPException) {
      const status = error.status;
      return c.json({ code: status, message: error.message || 'Bad request' }, status);
    }
    // Never a stack or an internal message: they can carry paths and secrets.
    return c.json({ code: 500, message: 'Internal server error' }, 500);
  });

  return {
    fetch: (request, env) => app.fetch(request, env),
    claimer,
    resumeRuns: () => resumeRuns(context),
    close() {
      claimer?.stopClaiming();
      supervisor.close();
      closed.abort();
    },
  };
}
