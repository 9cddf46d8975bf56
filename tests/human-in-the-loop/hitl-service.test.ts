// Questions through the HTTP API of `stepflow serve`: answered over REST, seen on the run's event
// stream, and kept across a kill -9 of the service while the run waits.
import { expect, it } from 'vitest';
import {
  createWorkspace,
  eventually,
  processesOf,
  startService,
} from '../service/service-harness.ts';

const APPROVAL_FLOW = {
  schema: 'https://stepflow.org/schemas/v1/flow.json',
  name: 'approval',
  steps: [
    {
      id: 'draft',
      component: '/fx/record',
      input: { key: { $from: { workflow: 'input' }, path: 'key' } },
    },
    {
      id: 'approve',
      component: '/builtin/ask_human',
      input: {
        prompt: { draft: { $from: { step: 'draft' } } },
        schema: {
          type: 'object',
          properties: { approved: { type: 'boolean' }, note: { type: 'string' } },
          required: ['approved'],
        },
      },
    },
    {
      id: 'publish',
      component: '/fx/record',
      input: { key: 'published', approval: { $from: { step: 'approve' } } },
    },
  ],
  output: {
    approval: { $from: { step: 'approve' } },
    published: { $from: { step: 'publish' }, path: 'recorded' },
  },
};

it('answers over REST after kill -9 and a restart of the paused service; nothing runs twice', async () => {
  const workspace = await createWorkspace();
  const args = ['--token-name', 'ops'];
  const first = await startService(workspace.dir, args);
  const flowId = (await first.api('flows', { body: { flow: APPROVAL_FLOW } })).body.flowId;
  // A waiting POST /runs answers once the run pauses.
  const created = await first.api('runs', { body: { flowId, input: { key: 'k1' } } });
  expect(created).toMatchObject({ status: 200, body: { status: 'paused' } });
  const runId = created.body.runId as string;
  expect((await first.api(`runs/${runId}`)).body.status).toBe('paused');
  const asked = await first.api(`runs/${runId}/questions`);
  expect(asked.body.questions).toEqual([
    expect.objectContaining({
      runId,
      rootRunId: runId,
      stepId: 'approve',
      prompt: { draft: { key: 'k1', recorded: true } },
      expiresAt: null,
    }),
  ]);
  expect((await first.api('questions')).body.questions).toHaveLength(1);

  const invalid = await first.api(`runs/${runId}/questions/approve`, {
    body: { answer: { note: 5 } },
  });
  expect(invalid.status).toBe(400);
  expect(invalid.body.violations).toEqual([
    { path: '', message: "must have required property 'approved'" },
    { path: '/note', message: 'must be string' },
  ]);
  expect((await first.api(`runs/${runId}/questions/nope`, { body: { answer: true } })).status).toBe(
    404,
  );

  first.child.kill('SIGKILL');
  expect(await first.stop()).toBe(null);
  await eventually(async () =>
    (await processesOf(workspace.dir)).length === 0 ? true : undefined,
  );

  const second = await startService(workspace.dir, args);
  expect(second.stderr()).toMatch(/resumed 1 runs/);
  expect((await second.api('questions')).body.questions).toEqual([
    expect.objectContaining({ runId, stepId: 'approve' }),
  ]);
  const answered = await second.api(`runs/${runId}/questions/approve`, {
    body: { answer: { approved: true, note: 'fine' } },
  });
  expect(answered).toMatchObject({
    status: 200,
    body: { runId, stepId: 'approve', answeredBy: 'ops', answer: { approved: true, note: 'fine' } },
  });
  const run = await eventually(async () => {
    const body = (await second.api(`runs/${runId}`)).body;
    return body.status === 'completed' || body.status === 'failed' ? body : undefined;
  });
  expect(run.result).toEqual({
    outcome: 'success',
    result: { approval: { approved: true, note: 'fine' }, published: true },
  });
  const again = await second.api(`runs/${runId}/questions/approve`, {
    body: { answer: { approved: false } },
  });
  expect(again.status).toBe(409);
  expect((await second.api('questions')).body.questions).toEqual([]);

  // The event stream (the journal, then live events; it ends after runCompleted) shows both.
  const stream = await fetch(`${second.url}/api/v1/runs/${runId}/events`);
  const text = await stream.text();
  expect(text).toContain('"type":"stepPaused"');
  expect(text).toMatch(/"type":"stepAnswered".*"by":"ops"/);

  const records = await workspace.records();
  expect(records.filter((r) => r.key === 'k1')).toHaveLength(1);
  expect(records.filter((r) => r.key === 'published')).toHaveLength(1);
  expect(await second.stop()).toBe(0);
  expect(await processesOf(workspace.dir)).toEqual([]);
}, 60_000);
