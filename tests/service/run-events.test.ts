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

it('resumes /events after Last-Event-ID with no gap or duplicate, and reports a gap it cannot fill', async () => {
  const flowId = (await service.api('flows', { body: { flow: GREET_FLOW } })).body.flowId;
  const first = await openSse(`${service.url}/api/v1/events`);
  const one = (await service.api('runs', { body: { flowId, input: { name: 'one' } } })).body.runId;
  const seen: SseEvent[] = [];
  for (;;) {
    const event = (await first.next())!;
    if (JSON.parse(event.data).runId !== one) continue;
    seen.push(event);
    if (JSON.parse(event.data).type === 'runCompleted') break;
  }
  first.close();
  expect(seen.length).toBeGreaterThanOrEqual(3);
  // Resume after the first event of run one: the rest of it, then run two, each once.
  const two = (await service.api('runs', { body: { flowId, input: { name: 'two' } } })).body.runId;
  const resumed = await openSse(`${service.url}/api/v1/events`, { 'last-event-id': seen[0]!.id! });
  const again: SseEvent[] = [];
  for (;;) {
    const event = (await resumed.next())!;
    again.push(event);
    const parsed = JSON.parse(event.data);
    if (parsed.runId === two && parsed.type === 'runCompleted') break;
  }
  resumed.close();
  expect(again.filter((e) => JSON.parse(e.data).runId === one)).toEqual(seen.slice(1));
  const epoch = seen[0]!.id!.split('-')[0];
  const numbers = again.map((e) => Number(e.id!.split('-')[1]));
  expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
  expect(Number(seen[0]!.id!.split('-')[1]) + 1).toBe(numbers[0]);
  expect(again.every((e) => e.id!.startsWith(`${epoch}-`))).toBe(true);
  expect(again.filter((e) => JSON.parse(e.data).runId === two).map((e) => e.event)).toContain(
    'runStarted',
  );

  // An id of another process (or one too old) cannot be resumed exactly: a gap event says so.
  const stranger = await openSse(`${service.url}/api/v1/events`, {
    'last-event-id': '00000000-1',
  });
  const notice = (await stranger.next())!;
  stranger.close();
  expect(notice.event).toBe('gap');
  expect(JSON.parse(notice.data).message).toMatch(/missed/);
});

it('refuses a malformed Last-Event-ID', async () => {
  const flowId = (await service.api('flows', { body: { flow: GREET_FLOW } })).body.flowId;
  const runId = (await service.api('runs', { body: { flowId, input: { name: 'x' } } })).body.runId;
  const answer = await service.api(`runs/${runId}/events`, { headers: { 'last-event-id': 'abc' } });
  expect(answer.status).toBe(400);
  expect(answer.body.message).toMatch(/Last-Event-ID/);
});
