// The HTTP API of `stepflow serve`, driven over HTTP against a real child process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWorkspace,
  eventually,
  GATED_FLOW,
  GREET_FLOW,
  processesOf,
  startService,
  type ServiceProcess,
  type Workspace,
} from './service-harness.ts';

let workspace: Workspace;
let service: ServiceProcess;
let greetId: string;
let gatedId: string;

beforeAll(async () => {
  workspace = await createWorkspace();
  service = await startService(workspace.dir, ['--store', 'sqlite:state.db']);
  greetId = (await service.api('flows', { body: { flow: GREET_FLOW } })).body.flowId;
  gatedId = (await service.api('flows', { body: { flow: GATED_FLOW } })).body.flowId;
});

afterAll(async () => {
  expect(await service.stop()).toBe(0);
  expect(await processesOf(workspace.dir)).toEqual([]);
});

describe('health, components, API document', () => {
  it('answers health with status, timestamp and version', async () => {
    const { status, body } = await service.api('health');
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'healthy',
      timestamp: expect.any(String),
      version: expect.any(String),
    });
    expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
  });

  it('lists components sorted, with schemas only when asked', async () => {
    const plain = await service.api('components');
    const names = plain.body.components.map((c: { component: string }) => c.component);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('/create_messages');
    expect(plain.body.components[0].inputSchema).toBeUndefined();
    const withSchemas = await service.api('components?includeSchemas=true');
    const create = withSchemas.body.components.find(
      (c: { component: string }) => c.component === '/create_messages',
    );
    expect(create.inputSchema).toBeTypeOf('object');
  });

  it('serves an OpenAPI 3.1 document and a page listing the routes', async () => {
    const doc = await service.api('openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    for (const path of [
      '/api/v1/runs',
      '/api/v1/runs/{runId}/steps',
      '/api/v1/batches/{batchId}/outputs',
      '/api/v1/runs/{runId}/events',
      '/api/v1/runs/{runId}/debug/step',
      '/api/v1/runs/{runId}/debug/continue',
      '/api/v1/runs/{runId}/debug/runnable',
    ])
      expect(doc.body.paths[path]).toBeDefined();
    const page = await fetch(`${service.url}/api/v1/docs`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('/api/v1/runs/{runId}/cancel');
    expect(html).not.toMatch(/<script|https?:\/\/(?!127)/);
  });
});

describe('flows', () => {
  it('stores a flow and gives it back by id', async () => {
    const stored = await service.api('flows', { body: { flow: GREET_FLOW } });
    expect(stored.status).toBe(200);
    expect(stored.body.flowId).toBe(greetId);
    expect(stored.body.diagnostics.diagnostics).toBeInstanceOf(Array);
    const got = await service.api(`flows/${greetId}`);
    expect(got.status).toBe(200);
    expect(got.body.flowId).toBe(greetId);
    expect(got.body.flow.name).toBe('greet');
  });

  it('does not store an invalid flow and says why', async () => {
    const bad = {
      schema: GREET_FLOW.schema,
      steps: [
        { id: 'x', component: '/builtin/create_messages', input: { $from: { step: 'nope' } } },
      ],
    };
    const stored = await service.api('flows', { body: { flow: bad } });
    expect(stored.status).toBe(200);
    expect(stored.body.flowId).toBeUndefined();
    expect(
      stored.body.diagnostics.diagnostics.some((d: { level: string }) => d.level !== 'warning'),
    ).toBe(true);
  });

  it('answers 404 for an unknown flow, and delete is a no-op', async () => {
    expect(await service.api('flows/unknown')).toEqual({
      status: 404,
      body: { code: 404, message: 'Flow not found: unknown' },
    });
    expect((await service.api(`flows/${greetId}`, { method: 'DELETE' })).status).toBe(200);
  });
});

describe('runs', () => {
  it('runs a flow under the id it answers and waits for the result', async () => {
    const created = await service.api('runs', {
      body: { flowId: greetId, input: { name: 'Ada' } },
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      runId: expect.any(String),
      status: 'completed',
      debug: false,
      result: { outcome: 'success', result: { messages: [{ role: 'user', content: 'Ada' }] } },
    });
    const run = await service.api(`runs/${created.body.runId}`);
    expect(run.body).toMatchObject({
      runId: created.body.runId,
      flowId: greetId,
      flowName: 'greet',
      status: 'completed',
      input: { name: 'Ada' },
      result: created.body.result,
    });
    const steps = await service.api(`runs/${created.body.runId}/steps`);
    expect(steps.body.steps.hello).toMatchObject({
      stepIndex: 0,
      stepId: 'hello',
      component: '/builtin/create_messages',
      status: 'completed',
      result: { outcome: 'success' },
    });
    const flow = await service.api(`runs/${created.body.runId}/flow`);
    expect(flow.body).toMatchObject({ flowId: greetId, flow: { name: 'greet' } });
  });

  it('answers 202 at once with wait: false', async () => {
    const created = await service.api('runs', {
      body: { flowId: gatedId, input: { key: 'async-1' }, wait: false },
    });
    expect(created.status).toBe(202);
    expect(created.body).toEqual({ runId: expect.any(String), status: 'running', debug: false });
    const running = await eventually(async () => {
      const steps = (await service.api(`runs/${created.body.runId}/steps`)).body.steps;
      return steps.second.status === 'running' ? steps : undefined;
    });
    expect(running.first.status).toBe('completed');
    expect((await service.api(`runs/${created.body.runId}`)).body.status).toBe('running');
    const cancelled = await service.api(`runs/${created.body.runId}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
  });

  it('cancel stops waiting for the in-flight component call and journals the end', async () => {
    const created = await service.api('runs', {
      body: { flowId: gatedId, input: { key: 'cancel-me' }, wait: false },
    });
    const runId = created.body.runId;
    await eventually(async () =>
      (await workspace.records()).some((r) => r.key === 'cancel-me' && r.component === 'gate')
        ? true
        : undefined,
    );
    const deleteRunning = await service.api(`runs/${runId}`, { method: 'DELETE' });
    expect(deleteRunning.status).toBe(409);
    const cancelled = await service.api(`runs/${runId}/cancel`, { method: 'POST' });
    expect(cancelled.body).toMatchObject({ runId, status: 'cancelled' });
    const run = (await service.api(`runs/${runId}`)).body;
    expect(run.result).toEqual({
      outcome: 'failed',
      error: expect.objectContaining({ code: 410 }),
    });
    // The protocol has no cancel message: the runtime stops waiting for the call, the step is
    // not recorded as completed, and the run's end is journaled.
    const steps = (await service.api(`runs/${runId}/steps`)).body.steps;
    expect(steps.first.status).toBe('completed');
    expect(steps.second.status).not.toBe('completed');
    expect((await service.api(`runs/${runId}/cancel`, { method: 'POST' })).status).toBe(409);
  });

  it('deletes a finished run with its journal; the flow stays', async () => {
    const { runId } = (
      await service.api('runs', { body: { flowId: greetId, input: { name: 'gone' } } })
    ).body;
    const deleted = await service.api(`runs/${runId}`, { method: 'DELETE' });
    expect(deleted).toEqual({ status: 200, body: { deletedRunIds: [runId] } });
    for (const path of [`runs/${runId}`, `runs/${runId}/steps`, `runs/${runId}/events`])
      expect((await service.api(path)).status).toBe(404);
    expect((await service.api(`runs/${runId}`, { method: 'DELETE' })).status).toBe(404);
    expect((await service.api(`flows/${greetId}`)).status).toBe(200);
    const listed = (await service.api('runs?limit=10000')).body.runs;
    expect(listed.some((r: { runId: string }) => r.runId === runId)).toBe(false);
  });

  it('lists runs with status, flowName, limit and offset filters', async () => {
    for (const name of ['a', 'b', 'c'])
      await service.api('runs', { body: { flowId: greetId, input: { name } } });
    const all = (await service.api('runs?flowName=greet')).body.runs;
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(all.every((r: { flowName: string }) => r.flowName === 'greet')).toBe(true);
    const page = (await service.api('runs?flowName=greet&limit=2&offset=1')).body.runs;
    expect(page.map((r: { runId: string }) => r.runId)).toEqual(
      all.slice(1, 3).map((r: { runId: string }) => r.runId),
    );
    const cancelled = (await service.api('runs?status=cancelled')).body.runs;
    expect(cancelled.length).toBeGreaterThanOrEqual(1);
    expect(cancelled.every((r: { status: string }) => r.status === 'cancelled')).toBe(true);
    expect((await service.api('runs?status=bogus&limit=0')).body.message).toMatch(
      /status.*limit|limit.*status/s,
    );
  });

  it('answers 404 for unknown runs on every run route', async () => {
    for (const path of ['runs/nope', 'runs/nope/flow', 'runs/nope/steps', 'runs/nope/events'])
      expect((await service.api(path)).body).toEqual({ code: 404, message: 'Run not found: nope' });
    expect((await service.api('runs/nope/cancel', { method: 'POST' })).status).toBe(404);
    expect((await service.api('runs/nope', { method: 'DELETE' })).status).toBe(404);
  });
});

describe('errors', () => {
  it('names every invalid field in a 400', async () => {
    const { status, body } = await service.api('runs', { body: { flowId: 5, wait: 'soon' } });
    expect(status).toBe(400);
    expect(body.code).toBe(400);
    expect(body.message).toMatch(/flowId/);
    expect(body.message).toMatch(/wait/);
  });

  it('refuses an input that does not match the flow input schema', async () => {
    const { status, body } = await service.api('runs', {
      body: { flowId: greetId, input: { name: 7 } },
    });
    expect(status).toBe(400);
    expect(body.message).toMatch(/^input: /);
  });

  it('answers 404 for a run of an unknown flow, 415 for non-JSON, 400 for broken JSON', async () => {
    expect((await service.api('runs', { body: { flowId: 'nope', input: {} } })).status).toBe(404);
    const text = await service.api('runs', {
      body: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text).toEqual({
      status: 415,
      body: { code: 415, message: "Content-Type: expected application/json, got 'text/plain'" },
    });
    const broken = await service.api('runs', { body: '{"flowId":' });
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe(400);
  });

  it('answers 404 for unknown routes', async () => {
    expect(await service.api('nowhere')).toEqual({
      status: 404,
      body: { code: 404, message: 'No route for GET /api/v1/nowhere' },
    });
  });
});

describe('batches', () => {
  it('runs every input, reaches completed and reports outputs in input order', async () => {
    const names = ['x0', 'x1', 'x2', 'x3', 'x4'];
    const created = await service.api('batches', {
      body: { flowId: greetId, inputs: names.map((name) => ({ name })), maxConcurrency: 2 },
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      batchId: expect.any(String),
      totalInputs: 5,
      status: 'running',
    });
    const id = created.body.batchId;
    const done = await eventually(async () => {
      const batch = (await service.api(`batches/${id}`)).body;
      return batch.status === 'completed' ? batch : undefined;
    });
    expect(done).toMatchObject({
      batchId: id,
      flowId: greetId,
      flowName: 'greet',
      totalInputs: 5,
      completedRuns: 5,
      runningRuns: 0,
      failedRuns: 0,
      cancelledRuns: 0,
      pausedRuns: 0,
    });
    expect(done.completedAt).toEqual(expect.any(String));
    const outputs = (await service.api(`batches/${id}/outputs`)).body.outputs;
    expect(outputs.map((o: { batchInputIndex: number }) => o.batchInputIndex)).toEqual([
      0, 1, 2, 3, 4,
    ]);
    expect(
      outputs.map(
        (o: { result: { result: { messages: { content: string }[] } } }) =>
          o.result.result.messages[0]!.content,
      ),
    ).toEqual(names);
    const runs = (await service.api(`batches/${id}/runs`)).body.runs;
    expect(runs).toHaveLength(5);
    expect(runs[0]).toMatchObject({
      status: 'completed',
      batchInputIndex: expect.any(Number),
      flowId: greetId,
    });
    expect((await service.api(`batches/${id}/cancel`, { method: 'POST' })).status).toBe(409);
  });

  it('cancel stops the running runs and starts no more', async () => {
    const inputs = ['b0', 'b1', 'b2', 'b3'].map((key) => ({ key }));
    const id = (
      await service.api('batches', { body: { flowId: gatedId, inputs, maxConcurrency: 1 } })
    ).body.batchId;
    await eventually(async () =>
      (await workspace.records()).some((r) => r.key === 'b0' && r.component === 'gate')
        ? true
        : undefined,
    );
    const cancelled = await service.api(`batches/${id}/cancel`, { method: 'POST' });
    expect(cancelled.body).toEqual({ batchId: id, status: 'cancelled' });
    const batch = await eventually(async () => {
      const b = (await service.api(`batches/${id}`)).body;
      return b.runningRuns === 0 ? b : undefined;
    });
    expect(batch).toMatchObject({ status: 'cancelled', cancelledRuns: 4 });
    expect((await workspace.records()).filter((r) => r.key === 'b1')).toEqual([]);
  });

  it('lists batches newest first, filtered by status and flow name, paged', async () => {
    const ids: string[] = [];
    for (const name of ['l0', 'l1', 'l2'])
      ids.push(
        (await service.api('batches', { body: { flowId: greetId, inputs: [{ name }] } })).body
          .batchId,
      );
    for (const id of ids)
      await eventually(async () =>
        (await service.api(`batches/${id}`)).body.status === 'completed' ? true : undefined,
      );
    const listed = (await service.api('batches?flowName=greet&limit=3')).body.batches;
    expect(listed.map((b: { batchId: string }) => b.batchId)).toEqual([...ids].reverse());
    expect(listed[0]).toEqual({
      batchId: ids[2],
      flowId: greetId,
      flowName: 'greet',
      totalInputs: 1,
      status: 'completed',
      createdAt: expect.any(String),
    });
    const page = (await service.api('batches?flowName=greet&limit=1&offset=1')).body.batches;
    expect(page.map((b: { batchId: string }) => b.batchId)).toEqual([ids[1]]);
    const cancelled = (await service.api('batches?status=cancelled')).body.batches;
    expect(cancelled.every((b: { status: string }) => b.status === 'cancelled')).toBe(true);
    expect((await service.api('batches?flowName=nothing')).body).toEqual({ batches: [] });
    const bad = await service.api('batches?status=paused&limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/status.*limit|limit.*status/s);
  });

  it('refuses to delete a run of a running batch, and deletes it once the batch ended', async () => {
    const id = (
      await service.api('batches', {
        body: { flowId: gatedId, inputs: [{ key: 'd0' }, { key: 'd1' }], maxConcurrency: 1 },
      })
    ).body.batchId;
    await eventually(async () =>
      (await workspace.records()).some((r) => r.key === 'd0' && r.component === 'gate')
        ? true
        : undefined,
    );
    const [first] = (await service.api(`batches/${id}/runs`)).body.runs;
    expect((await service.api(`runs/${first.runId}`, { method: 'DELETE' })).status).toBe(409);
    await service.api(`batches/${id}/cancel`, { method: 'POST' });
    await eventually(async () =>
      (await service.api(`batches/${id}`)).body.runningRuns === 0 ? true : undefined,
    );
    const deleted = await service.api(`runs/${first.runId}`, { method: 'DELETE' });
    expect(deleted.body).toEqual({ deletedRunIds: [first.runId] });
    expect((await service.api(`batches/${id}/runs`)).body.runs).toHaveLength(1);
  });

  it('refuses a bad input naming its index, and unknown batches', async () => {
    const bad = await service.api('batches', {
      body: { flowId: greetId, inputs: [{ name: 'ok' }, { name: 1 }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^inputs\[1\]: /);
    expect(
      (await service.api('batches', { body: { flowId: greetId, inputs: [], maxConcurrency: 0 } }))
        .body.message,
    ).toMatch(/maxConcurrency/);
    for (const path of ['batches/nope', 'batches/nope/runs', 'batches/nope/outputs'])
      expect((await service.api(path)).body).toEqual({
        code: 404,
        message: 'Batch not found: nope',
      });
  });
});
