import { isTerminalRunStatus } from '@stepflow/protocol';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { SSEStreamingApi } from 'hono/streaming';
import { StateStoreError } from '@stepflow/state-store';
import { ApiError } from '../api-error.ts';
import { ErrorBodySchema, RunIdParamsSchema } from '../api-schemas.ts';
import type { FeedCursor } from '../event-feed.ts';
import type { ServiceApp, ServiceContext } from '../service-context.ts';
import { requireRun } from './runs-routes.ts';

/**
 * How long a stream waits for a wake-up before reading the journal again: events are
 * group-committed after the runtime reports them, and a run resumed by another process wakes
 * no one here.
 */
const POLL_MS = 250;

/** `GET /runs/{runId}/events` and `GET /events`: server-sent events. */
export function registerEventsRoutes(app: ServiceApp, service: ServiceContext): void {
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/v1/runs/{runId}/events',
    summary:
      "The run's events as server-sent events: the journal so far, then live ones, ending after " +
      "`runCompleted`. Each `id` is the event's sequence number: send it back as `Last-Event-ID` " +
      'to resume without a gap or a duplicate.',
    request: { params: RunIdParamsSchema },
    responses: {
      200: { description: 'An event stream', content: { 'text/event-stream': { schema: {} } } },
      404: {
        description: 'Unknown run',
        content: { 'application/json': { schema: ErrorBodySchema } },
      },
    },
  });
  app.get('/api/v1/runs/:runId/events', async (c) => {
    const runId = c.req.param('runId');
    const after = lastEventId(c);
    await requireRun(service, runId);
    return streamSSE(c, (stream) => streamRun(service, runId, after, stream));
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/v1/events',
    summary:
      'Live events of every run this service process executes, as server-sent events. Each `id` ' +
      'is `<epoch>-<n>`: send it back as `Last-Event-ID` to resume without a gap (the latest ' +
      '10,000 events are held). When events were lost (too old, or the id is from another ' +
      'process), a `gap` event comes first.',
    responses: {
      200: { description: 'An event stream', content: { 'text/event-stream': { schema: {} } } },
    },
  });
  app.get('/api/v1/events', (c) => {
    const start = service.events.cursorFor(
      c.req.header('last-event-id') ?? c.req.query('lastEventId'),
    );
    return streamSSE(c, (stream) => streamAll(service, start, stream));
  });
}

async function streamAll(
  service: ServiceContext,
  start: FeedCursor,
  stream: SSEStreamingApi,
): Promise<void> {
  const waiter = createWaiter(stream, service.closed);
  const stop = service.events.onPublish(waiter.wake);
  let after = start.after;
  let gap = start.gap;
  try {
    while (!waiter.ended()) {
      waiter.reset();
      const read = service.events.read(after);
      if (gap || read.gap) {
        const message =
          "Some events were missed: they are older than the events held, or were another process's";
        await stream.writeSSE({ event: 'gap', data: JSON.stringify({ message }) });
        gap = false;
      }
      for (const entry of read.entries)
        await stream.writeSSE({
          id: service.events.idOf(entry),
          event: entry.event.type,
          data: JSON.stringify(entry.event),
        });
      after = read.last;
      await waiter.wait(60_000);
    }
  } finally {
    stop();
  }
}

/** The sequence number a client has seen: `Last-Event-ID` or `?lastEventId=`, default 0. */
function lastEventId(c: Context): number {
  const text = c.req.header('last-event-id') ?? c.req.query('lastEventId');
  if (text === undefined || text === '') return 0;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new ApiError(400, `Last-Event-ID: expected a non-negative integer, got '${text}'`);
  return value;
}

async function streamRun(
  service: ServiceContext,
  runId: string,
  after: number,
  stream: SSEStreamingApi,
): Promise<void> {
  const waiter = createWaiter(stream, service.closed);
  const unwatch = service.supervisor.watch(runId, waiter.wake);
  let seq = after;
  try {
    while (!waiter.ended()) {
      waiter.reset();
      const entries = await service.store
        .readEvents(runId, { fromSeq: seq + 1 })
        .catch((error: unknown) => {
          // Deleted while streamed: nothing more will come.
          if (StateStoreError.isInstance(error, 'run-not-found')) return undefined;
          throw error;
        });
      if (entries === undefined) return;
      for (const entry of entries) {
        await stream.writeSSE({
          id: String(entry.seq),
          event: entry.event.type,
          data: JSON.stringify(entry.event),
        });
        seq = entry.seq;
        if (entry.event.type === 'runCompleted') return;
      }
      if (entries.length === 0) {
        // Ended without a journaled end (cancelled while no process ran it): nothing will come.
        const run = await service.store.getRun(runId);
        if (
          run === undefined ||
          (isTerminalRunStatus(run.status) && !service.supervisor.isActive(runId))
        )
          return;
      }
      await waiter.wait(POLL_MS);
    }
  } finally {
    unwatch();
  }
}

interface Waiter {
  readonly wake: () => void;
  readonly reset: () => void;
  readonly wait: (timeoutMs: number) => Promise<void>;
  readonly ended: () => boolean;
}

/** Lets a stream sleep until woken, a timeout, the client leaving or the service closing. */
function createWaiter(stream: SSEStreamingApi, closed: AbortSignal): Waiter {
  let woken = false;
  let resolve: (() => void) | undefined;
  let ended = false;
  const wake = (): void => {
    woken = true;
    resolve?.();
  };
  const end = (): void => {
    ended = true;
    wake();
  };
  stream.onAbort(end);
  closed.addEventListener('abort', end, { once: true });
  return {
    wake,
    reset: () => (woken = false),
    ended: () => ended || stream.aborted || closed.aborted,
    wait: (timeoutMs) =>
      woken
        ? Promise.resolve()
        : new Promise<void>((done) => {
            const timer = setTimeout(done, timeoutMs);
            resolve = () => {
              clearTimeout(timer);
              resolve = undefined;
              done();
            };
          }),
  };
}
