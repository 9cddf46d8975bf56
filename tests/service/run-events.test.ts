// Server-sent events of runs: live, in order, and resumable with Last-Event-ID.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createWorkspace,
  GATED_FLOW,
  GREET_FLOW,
  processesOf,
  startService,
  type ServiceProcess,
  type Workspace,
} from './service-harness.ts';
import { openSse, type SseEvent } from './sse-client.ts';

let workspace: Workspace;
let service: ServiceProcess;

beforeAll(async () => {
  workspace = await createWorkspace();
  service = await startService(workspace.dir, ['--store', 'sqlite:events.db']);
});

afterAll(async () => {
  expect(await service.stop()).toBe(0);
  expect(await processesOf(workspace.dir)).toEqual([]);
});

it('streams events live, in order, and resumes after Last-Event-ID with no gap or duplicate', async () => {
  const flowId = (await service.api('flows', { body: { flow: GATED_FLOW } })).body.flowId;
  const runId = (
    await service.api('runs', { body: { flowId, input: { key: 'sse' }, wait: false } })
  ).body.runId;
  const first = await openSse(`${service.url}/api/v1/runs/${runId}/events`);
  const seen: SseEvent[] = [];
  // The gate is closed: the run cannot have ended, so these events arrive live.
  for (;;) {
    const event = (await first.next())!;
    seen.push(event);
    const parsed = JSON.parse(event.data);
    if (parsed.type === 'stepStarted' && parsed.stepId === 'second') break;
  }
  first.close();
  expect((await service.api(`runs/${runId}`)).body.status).toBe('running');

  await workspace.openGate();
  const resumed = await openSse(`${service.url}/api/v1/runs/${runId}/events`, {
    'last-event-id': seen.at(-1)!.id!,
  });
  for (let event = await resumed.next(); event !== undefined; event = await resumed.next())
    seen.push(event);

  const ids = seen.map((event) => Number(event.id));
  expect(ids).toEqual(ids.map((_, index) => index + 1));
  const types = seen.map((event) => JSON.parse(event.data).type);
  expect(types[0]).toBe('runStarted');
  expect(types.at(-1)).toBe('runCompleted');
  expect(seen.every((event) => event.event === JSON.parse(event.data).type)).toBe(true);
  expect(seen.every((event) => JSON.parse(event.data).runId === runId)).toBe(true);
  expect(JSON.parse(seen.at(-1)!.data).result.outcome).toBe('success');

  // A finished run's stream replays its journal and ends: the same events, the same ids.
  const replay = await openSse(`${service.url}/api/v1/runs/${runId}/events`);
  const replayed: SseEvent[] = [];
  for (let event = await replay.next(); event !== undefined; event = await replay.next())
    replayed.push(event);
  expect(replayed).toEqual(seen);
});

it('streams the events of every run on /events', async () => {
  const flowId = (await service.api('flows', { body: { flow: GREET_FLOW } })).body.flowId;
  const all = await openSse(`${service.url}/api/v1/events`);
  const runId = (await service.api('runs', { body: { flowId, input: { name: 'live' } } })).body
    .runId;
  const types: string[] = [];
  for (;;) {
    const event = JSON.parse((await all.next())!.data);
    if (event.runId !== runId) continue;
    types.push(event.type);
    if (event.type === 'runCompleted') break;
  }
  all.close();
  expect(types[0]).toBe('runStarted');
  expect(types).toContain('stepCompleted');
});

it('refuses a malformed Last-Event-ID', async () => {
  const flowId = (await service.api('flows', { body: { flow: GREET_FLOW } })).body.flowId;
  const runId = (await service.api('runs', { body: { flowId, input: { name: 'x' } } })).body.runId;
  const answer = await service.api(`runs/${runId}/events`, { headers: { 'last-event-id': 'abc' } });
  expect(answer.status).toBe(400);
  expect(answer.body.message).toMatch(/Last-Event-ID/);
});
