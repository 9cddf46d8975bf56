import { OpenAPIHono } from '@hono/zod-openapi';
import type { Flow } from '@stepflow/protocol';
import type { Runtime } from '@stepflow/runtime';
import type { StateStore } from '@stepflow/state-store';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { ApiError } from './api-error.ts';
import { apiPageHtml } from './api-page.ts';
import { BatchRunner } from './batch-runner.ts';
import { loadStoredFlow } from './load-stored-flow.ts';
import { requestChecks } from './request-checks.ts';
import { createStaticSite } from './static-files.ts';
import { registerBatchesRoutes } from './routes/batches-routes.ts';
import { registerComponentsRoutes } from './routes/components-routes.ts';
import { registerEventsRoutes } from './routes/events-routes.ts';
import { registerFlowsRoutes } from './routes/flows-routes.ts';
import { registerHealthRoutes } from './routes/health-routes.ts';
import { registerRunsRoutes } from './routes/runs-routes.ts';
import { RunSupervisor } from './run-supervisor.ts';
import type { ServiceContext } from './service-context.ts';

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
  /**
   * A directory of static files served at `/` (the web UI's build, `uiAssetsDirectory` of
   * `@stepflow/ui`): no token needed for them, the Host check and security headers apply.
   */
  readonly staticRoot?: string;
}

/** The HTTP service: a web-standard `fetch` handler plus its lifecycle. */
export interface Service {
  /** Answers one request (mount it on `@hono/node-server` or any web-standard server). */
  readonly fetch: (request: Request) => Response | Promise<Response>;
  /**
   * Resumes every top-level run the store has `running` (left by a process that died):
   * call once at start-up, before serving. Resolves with how many were resumed.
   */
  resumeRuns(): Promise<number>;
  /**
   * Refuses new runs and ends event streams. Close the runtime afterwards: in-flight durable
   * runs stay `running` in the store, for the next process to resume.
   */
  close(): void;
}

/** Runs listed per store query when resuming. */
const RESUME_PAGE = 1000;

/** Builds the Stepflow HTTP API (`/api/v1`) over a runtime and a state store. */
export function createService(options: ServiceOptions): Service {
  const closed = new AbortController();
  const supervisor = new RunSupervisor(options.runtime, options.store);
  const context: ServiceContext = {
    runtime: options.runtime,
    store: options.store,
    supervisor,
    batches: new BatchRunner(options.store, supervisor),
    version: options.version ?? '0.0.0',
    closed: closed.signal,
    flowCache: new Map<string, Flow>(),
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
      ...(options.corsOrigins === undefined ? {} : { allowedOrigins: options.corsOrigins }),
    }),
  );
  registerHealthRoutes(app, context);
  registerComponentsRoutes(app, context);
  registerFlowsRoutes(app, context);
  registerRunsRoutes(app, context);
  registerEventsRoutes(app, context);
  registerBatchesRoutes(app, context);
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
    fetch: (request) => app.fetch(request),
    async resumeRuns() {
      // Listed in full before starting any: a run that ends meanwhile would shift the pages.
      const running = [];
      for (let offset = 0; ; offset += RESUME_PAGE) {
        const page = await options.store.listRuns({
          status: 'running',
          limit: RESUME_PAGE,
          offset,
          order: 'asc',
        });
        running.push(...page);
        if (page.length < RESUME_PAGE) break;
      }
      let resumed = 0;
      for (const run of running) {
        // Nested runs are resumed by their parent's step when it executes again.
        if (run.parentRunId !== undefined || supervisor.isActive(run.id)) continue;
        const flow = await loadStoredFlow(context, run.flowId);
        void supervisor.start({ runId: run.id, flow, input: run.input });
        resumed++;
      }
      return resumed;
    },
    close() {
      supervisor.close();
      closed.abort();
    },
  };
}
