import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, defaultConfig } from '@stepflow/runtime';
import { createMemoryStateStore } from '@stepflow/state-store';
import { afterEach, describe, expect, it } from 'vitest';
import { createService } from './create-service.ts';
import { RunSupervisor } from './run-supervisor.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function setUp(options: { failingStore?: boolean } = {}) {
  const store = createMemoryStateStore();
  if (options.failingStore === true)
    store.listRuns = () => Promise.reject(new Error('disk on fire at /secret/path'));
  const runtime = createRuntime({
    config: defaultConfig(),
    workingDirectory: '.',
    stateStore: store,
  });
  const service = createService({ runtime, store, token: 'tok' });
  closers.push(async () => {
    service.close();
    await runtime.close();
    await store.close();
  });
  const call = (path: string, init: RequestInit = {}) =>
    service.fetch(
      new Request(`http://127.0.0.1:7837/api/v1/${path}`, {
        ...init,
        headers: {
          host: '127.0.0.1:7837',
          authorization: 'Bearer tok',
          ...(init.headers as Record<string, string>),
        },
      }),
    );
  return { service, call };
}

describe('createService', () => {
  it('answers an unexpected failure with a bare 500, never its message or stack', async () => {
    const { call } = setUp({ failingStore: true });
    const response = await call('runs');
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ code: 500, message: 'Internal server error' });
  });

  it('declares every route in its OpenAPI document', async () => {
    const { call } = setUp();
    const document = (await (await call('openapi.json')).json()) as {
      paths: Record<string, object>;
    };
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/v1/batches',
      '/api/v1/batches/{batchId}',
      '/api/v1/batches/{batchId}/cancel',
      '/api/v1/batches/{batchId}/outputs',
      '/api/v1/batches/{batchId}/runs',
      '/api/v1/components',
      '/api/v1/events',
      '/api/v1/flows',
      '/api/v1/flows/{flowId}',
      '/api/v1/health',
      '/api/v1/questions',
      '/api/v1/runs',
      '/api/v1/runs/{runId}',
      '/api/v1/runs/{runId}/cancel',
      '/api/v1/runs/{runId}/debug/continue',
      '/api/v1/runs/{runId}/debug/runnable',
      '/api/v1/runs/{runId}/debug/step',
      '/api/v1/runs/{runId}/events',
      '/api/v1/runs/{runId}/flow',
      '/api/v1/runs/{runId}/questions',
      '/api/v1/runs/{runId}/questions/{stepId}',
      '/api/v1/runs/{runId}/steps',
    ]);
  });

  it('runs a stored flow under the id it answers', async () => {
    const { call } = setUp();
    const flow = {
      schema: 'https://stepflow.org/schemas/v1/flow.json',
      steps: [{ id: 'a', component: '/builtin/create_messages', input: { user_prompt: 'hi' } }],
      output: { $from: { step: 'a' } },
    };
    const post = (path: string, body: unknown) =>
      call(path, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    const { flowId } = (await (await post('flows', { flow })).json()) as { flowId: string };
    const created = (await (await post('runs', { flowId, input: {} })).json()) as {
      runId: string;
      status: string;
    };
    expect(created.status).toBe('completed');
    const run = (await (await call(`runs/${created.runId}`)).json()) as {
      runId: string;
      status: string;
    };
    expect(run).toMatchObject({ runId: created.runId, status: 'completed' });
    expect(((await (await call('runs')).json()) as { runs: unknown[] }).runs).toHaveLength(1);
  });
});

describe('createService mounts', () => {
  it.each([
    ['without the web UI', undefined],
    ['beside the web UI (its static pages need no token; a mount does)', 'ui'],
  ])(
    'serves a mounted handler at its path, behind the token and Host checks, %s',
    async (_, ui) => {
      const store = createMemoryStateStore();
      const runtime = createRuntime({
        config: defaultConfig(),
        workingDirectory: '.',
        stateStore: store,
      });
      const supervisor = new RunSupervisor(runtime, store);
      const seen: string[] = [];
      const service = createService({
        runtime,
        store,
        supervisor,
        token: 'tok',
        ...(ui === undefined ? {} : { staticRoot: await staticSiteDirectory() }),
        mounts: [
          {
            path: '/mcp',
            fetch: (request) => {
              seen.push(request.method);
              return Response.json({ mounted: true });
            },
          },
        ],
      });
      closers.push(async () => {
        service.close();
        await runtime.close();
        await store.close();
      });
      const request = (headers: Record<string, string>, method = 'DELETE') =>
        service.fetch(new Request('http://127.0.0.1:7837/mcp', { method, headers }));
      const host = { host: '127.0.0.1:7837' };
      expect((await request(host)).status).toBe(401);
      expect((await request(host, 'GET')).status).toBe(401);
      expect((await request({ host: 'evil.example', authorization: 'Bearer tok' })).status).toBe(
        403,
      );
      const response = await request({ ...host, authorization: 'Bearer tok' }, 'GET');
      expect(await response.json()).toEqual({ mounted: true });
      expect(seen).toEqual(['GET']);
      expect(supervisor.activeCount).toBe(0);
    },
  );
});

/** A directory with one page, as the web UI's build would be. */
async function staticSiteDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'stepflow-static-'));
  await writeFile(join(directory, 'index.html'), '<!doctype html><title>ui</title>');
  closers.push(() => rm(directory, { recursive: true, force: true }));
  return directory;
}
