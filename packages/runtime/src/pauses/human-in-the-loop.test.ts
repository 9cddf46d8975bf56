import { describe, expect, it } from 'vitest';
import type { FlowResult } from '@stepflow/protocol';
import { createMemoryStateStore, type StateStore } from '@stepflow/state-store';
import {
  AnswerError,
  type OpenQuestion,
  type Runtime,
  type RunEvent,
  validateFlow,
} from '../index.ts';
import { createManualClock } from '../testing.ts';
import { testRuntime, yamlFlow } from '../../test/helpers.ts';

const ok = (result: unknown): FlowResult => ({ outcome: 'success', result });

const approval = yamlFlow(`
name: approval
steps:
  - { id: draft, component: /test/draft, input: { amount: 40 } }
  - id: approve
    component: /builtin/ask_human
    input:
      prompt: { $from: { step: draft } }
      schema:
        type: object
        properties: { approved: { type: boolean }, note: { type: string } }
        required: [approved]
  - id: finish
    component: /test/finish
    input: { decision: { $from: { step: approve } } }
output: { $from: { step: finish } }
`);

/** A runtime whose `/test/*` components echo their input and count their executions. */
function counting(options: {
  stateStore?: StateStore;
  clock?: ReturnType<typeof createManualClock>;
}) {
  const executed: string[] = [];
  const runtime = testRuntime({
    ...options,
    handler: (e) => {
      executed.push(e.context.stepId);
      return ok(e.input);
    },
  });
  return { runtime, executed };
}

/** Starts a run and resolves with its questions once it has nothing to do but wait. */
function startPaused(
  runtime: Runtime,
  request: Parameters<Runtime['run']>[0],
): { paused: Promise<readonly OpenQuestion[]>; done: Promise<FlowResult> } {
  let onPaused!: (questions: readonly OpenQuestion[]) => void;
  const paused = new Promise<readonly OpenQuestion[]>((resolve) => (onPaused = resolve));
  const done = runtime.run({ ...request, onPaused }).then((outcome) => outcome.result);
  return { paused, done };
}

describe('ask_human', () => {
  it('pauses the run, journals the question, and goes on with the answer given through the API', async () => {
    const store = createMemoryStateStore();
    const { runtime, executed } = counting({ stateStore: store });
    const { paused, done } = startPaused(runtime, { flow: approval, input: {}, runId: 'r1' });
    const questions = await paused;
    expect(questions).toEqual([
      expect.objectContaining({
        runId: 'r1',
        rootRunId: 'r1',
        stepId: 'approve',
        prompt: { amount: 40 },
        schema: expect.objectContaining({ required: ['approved'] }),
      }),
    ]);
    expect(await store.getRun('r1')).toMatchObject({ status: 'paused' });
    expect(await runtime.questions()).toHaveLength(1);
    expect(await runtime.questions({ runId: 'other' })).toEqual([]);

    const receipt = await runtime.answer('r1', 'approve', { approved: true }, { by: 'ada' });
    expect(receipt).toMatchObject({ delivered: true, by: 'ada', answer: { approved: true } });
    expect(await done).toEqual(ok({ decision: { approved: true } }));
    expect(executed).toEqual(['draft', 'finish']);
    const events = (await store.readEvents('r1')).map((entry) => entry.event);
    expect(events.find((e) => e.type === 'stepPaused')).toMatchObject({
      stepId: 'approve',
      kind: 'question',
      prompt: { amount: 40 },
    });
    expect(events.find((e) => e.type === 'stepAnswered')).toMatchObject({
      stepId: 'approve',
      answer: { approved: true },
      by: 'ada',
    });
    expect(await store.getRun('r1')).toMatchObject({ status: 'completed' });
    expect(await store.getPendingAnswer('r1', 'approve')).toMatchObject({
      answered: true,
      answeredBy: 'ada',
    });
    expect(await runtime.questions()).toEqual([]);
  });

  it('refuses an invalid answer naming every violation, and a second answer; the run stays paused', async () => {
    const store = createMemoryStateStore();
    const { runtime } = counting({ stateStore: store });
    const { paused, done } = startPaused(runtime, { flow: approval, input: {}, runId: 'r2' });
    await paused;
    const invalid = await runtime.answer('r2', 'approve', { note: 7 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(AnswerError.isInstance(invalid, 'invalid-answer')).toBe(true);
    expect((invalid as AnswerError).violations).toEqual([
      { path: '', message: "must have required property 'approved'" },
      { path: '/note', message: 'must be string' },
    ]);
    expect((invalid as AnswerError).message).toMatch(/approved.*\/note must be string/);
    expect(await store.getRun('r2')).toMatchObject({ status: 'paused' });
    await expect(runtime.answer('r2', 'nope', true)).rejects.toMatchObject({ code: 'no-question' });

    await runtime.answer('r2', 'approve', { approved: false, note: 'too much' }, { by: 'bob' });
    await expect(runtime.answer('r2', 'approve', { approved: true })).rejects.toMatchObject({
      code: 'already-answered',
    });
    expect(await done).toEqual(ok({ decision: { approved: false, note: 'too much' } }));
    await expect(runtime.answer('r2', 'approve', { approved: true })).rejects.toMatchObject({
      code: 'already-answered',
    });
  });

  it('times out into onError: useDefault', async () => {
    const clock = createManualClock(1_000);
    const { runtime } = counting({ clock });
    const flow = yamlFlow(`
steps:
  - id: ask
    component: /builtin/ask_human
    input: { prompt: "Go?", schema: { type: boolean }, timeoutMs: 60000 }
    onError: { action: useDefault, defaultValue: false }
output: { $from: { step: ask } }
`);
    const { paused, done } = startPaused(runtime, { flow, input: null });
    const [question] = await paused;
    expect(question).toMatchObject({ askedAt: 1_000, expiresAt: 61_000 });
    await clock.whenSleeping(1);
    clock.advance(60_000);
    expect(await done).toEqual(ok(false));
    await expect(runtime.answer(question!.runId, 'ask', true)).rejects.toMatchObject({
      code: 'no-question',
    });
  });

  it('fails the step at once when the runtime cannot wait for a person', async () => {
    const runtime = testRuntime({ refuseQuestions: 'nobody can answer here' });
    const { result } = await runtime.run({ flow: approval, input: {} });
    expect(result).toMatchObject({ outcome: 'failed' });
    expect(JSON.stringify(result)).toContain('nobody can answer here');
  });

  it('fails the step when the question cannot be recorded in the store', async () => {
    const store = createMemoryStateStore();
    const broken: StateStore = Object.assign(Object.create(store) as StateStore, {
      createPendingAnswer: () => Promise.reject(new Error('disk full')),
    });
    const { runtime } = counting({ stateStore: broken });
    const { result } = await runtime.run({ flow: approval, input: {}, runId: 'r4' });
    expect(result).toMatchObject({ outcome: 'failed' });
    expect(JSON.stringify(result)).toContain('the question could not be recorded: disk full');
  });

  it('asks inside map items and parallel branches at once; other branches keep running', async () => {
    const store = createMemoryStateStore();
    const { runtime, executed } = counting({ stateStore: store });
    const flow = yamlFlow(`
steps:
  - { id: left, component: /builtin/ask_human, input: { prompt: left } }
  - { id: right, component: /builtin/ask_human, input: { prompt: right } }
  - { id: busy, component: /test/busy, input: 1 }
  - id: each
    component: /builtin/map
    input:
      items: [a, b]
      workflow:
        $literal:
          schema: https://stepflow.org/schemas/v1/flow.json
          steps:
            - id: pick
              component: /builtin/ask_human
              input: { prompt: { $from: { workflow: input } }, schema: { type: string } }
          output: { $from: { step: pick } }
output:
  left: { $from: { step: left } }
  right: { $from: { step: right } }
  busy: { $from: { step: busy } }
  each: { $from: { step: each }, path: results }
`);
    const { paused, done } = startPaused(runtime, { flow, input: null, runId: 'tree' });
    const questions = await paused;
    expect(executed).toEqual(['busy']);
    expect(questions.map((q) => q.prompt).sort()).toEqual(['a', 'b', 'left', 'right']);
    const listed = await runtime.questions({ runId: 'tree' });
    expect(listed).toHaveLength(4);
    for (const q of listed) expect(q.rootRunId).toBe('tree');
    for (const q of questions)
      await runtime.answer(q.runId, q.stepId, `${String(q.prompt)}!`, { by: 'ada' });
    expect(await done).toEqual(
      ok({
        left: 'left!',
        right: 'right!',
        busy: 1,
        each: [ok('a!'), ok('b!')],
      }),
    );
  });

  it('survives the process: a new runtime takes the answer and re-executes nothing', async () => {
    const store = createMemoryStateStore();
    const first = counting({ stateStore: store });
    const { paused, done } = startPaused(first.runtime, { flow: approval, input: {}, runId: 'r3' });
    await paused;
    await first.runtime.close();
    await done;
    expect(await store.getRun('r3')).toMatchObject({ status: 'paused' });

    const second = counting({ stateStore: store });
    expect(await second.runtime.questions()).toEqual([
      expect.objectContaining({ runId: 'r3', stepId: 'approve', prompt: { amount: 40 } }),
    ]);
    const receipt = await second.runtime.answer('r3', 'approve', { approved: true }, { by: 'cli' });
    expect(receipt.delivered).toBe(false);
    await expect(second.runtime.answer('r3', 'approve', { approved: true })).rejects.toMatchObject({
      code: 'already-answered',
    });
    const { result } = await second.runtime.run({ flow: approval, input: {}, runId: 'r3' });
    expect(result).toEqual(ok({ decision: { approved: true } }));
    expect([...first.executed, ...second.executed]).toEqual(['draft', 'finish']);
    const answered = (await store.readEvents('r3'))
      .map((entry) => entry.event)
      .filter((e): e is Extract<RunEvent, { type: 'stepAnswered' }> => e.type === 'stepAnswered');
    expect(answered).toEqual([expect.objectContaining({ answer: { approved: true }, by: 'cli' })]);
  });
});

describe('sleep', () => {
  it('journals its wake-up time and waits only the rest of it after a restart', async () => {
    const store = createMemoryStateStore();
    const clock = createManualClock(10_000);
    const flow = yamlFlow(`
steps:
  - { id: before, component: /test/x, input: 1 }
  - { id: nap, component: /builtin/sleep, input: { durationMs: 60000 } }
  - { id: after, component: /test/x, input: { nap: { $from: { step: nap } } } }
output: { $from: { step: after } }
`);
    const first = counting({ stateStore: store, clock });
    const { paused, done } = startPaused(first.runtime, { flow, input: null, runId: 't1' });
    expect(await paused).toEqual([]);
    expect(await store.getRun('t1')).toMatchObject({ status: 'paused', wakeAt: 70_000 });
    clock.advance(20_000);
    await first.runtime.close();
    await done;

    const second = counting({ stateStore: store, clock });
    const resumed = second.runtime.run({ flow, input: null, runId: 't1' });
    await clock.whenSleeping(1);
    expect(clock.requestedDelays.at(-1)).toBe(40_000);
    clock.advance(40_000);
    expect((await resumed).result).toEqual(ok({ nap: null }));
    expect([...first.executed, ...second.executed]).toEqual(['before', 'after']);
  });

  it('takes an ISO date-time and refuses a bad one', async () => {
    const clock = createManualClock(Date.parse('2026-12-01T08:00:00Z'));
    const { runtime } = counting({ clock });
    const flow = yamlFlow(`
steps:
  - { id: nap, component: /builtin/sleep, input: { until: { $from: { workflow: input } } } }
output: { $from: { step: nap } }
`);
    const running = runtime.run({ flow, input: '2026-12-01T09:00:00Z' });
    await clock.whenSleeping(1);
    expect(clock.requestedDelays.at(-1)).toBe(3_600_000);
    clock.advance(3_600_000);
    expect((await running).result).toEqual(ok(null));
    const bad = await runtime.run({ flow, input: 'tomorrow' });
    expect(JSON.stringify(bad.result)).toContain('until of sleep must be an ISO 8601 date-time');
  });
});

describe('validate', () => {
  it('checks the answer schema of ask_human and the input of sleep', () => {
    const flow = yamlFlow(`
steps:
  - id: ask
    component: /builtin/ask_human
    input: { prompt: hi, schema: { type: nonsense }, timeoutMs: -1 }
  - { id: nap, component: /builtin/sleep, input: { until: soon } }
output: [{ $from: { step: ask } }, { $from: { step: nap } }]
`);
    const found = validateFlow(flow).filter((d) => d.type === 'invalidPauseInput');
    expect(found.map((d) => [d.stepId, d.field, d.level])).toEqual([
      ['ask', 'input.schema', 'error'],
      ['ask', 'input.timeoutMs', 'error'],
      ['nap', 'input.until', 'error'],
    ]);
    expect(found[0]!.message).toMatch(/not a valid JSON Schema/);
  });
});
