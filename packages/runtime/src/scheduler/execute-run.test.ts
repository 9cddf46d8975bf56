import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { FlowResult } from '@stepflow/protocol';
import {
  ComponentError,
  ComponentUnavailableError,
  createRunJournal,
  type RunEvent,
} from '../index.ts';
import { createManualClock } from '../testing.ts';
import { deferred, eventLog, flushPromises, testRuntime, yamlFlow } from '../../test/helpers.ts';

const failing = (code = 8): FlowResult => ({
  outcome: 'failed',
  error: { code, message: 'error' },
});

function stepFlow(onError: string, extra = ''): ReturnType<typeof yamlFlow> {
  return yamlFlow(`
steps:
  - id: s
    component: /test/x
    input: { v: 1 }
    onError: ${onError}
${extra}
output: { $from: { step: s } }
`);
}

describe('onError applies to every failure kind (DECISIONS 11)', () => {
  const kinds: [string, () => FlowResult][] = [
    ['a failed result', () => failing()],
    [
      'a ComponentError',
      () => {
        throw new ComponentError(-32003, 'server said no', { detail: 1 });
      },
    ],
    [
      'an unexpected exception',
      () => {
        throw new Error('bug');
      },
    ],
    [
      'an exhausted transport budget',
      () => {
        throw new ComponentUnavailableError('crashed');
      },
    ],
  ];

  it.each(kinds)('skip turns %s into skipped', async (_kind, handler) => {
    const { result } = await testRuntime({ handler }).run({
      flow: stepFlow('{ action: skip }'),
      input: {},
    });
    expect(result).toStrictEqual({ outcome: 'skipped' });
  });

  it.each(kinds)(
    'useDefault without a value turns %s into success(null)',
    async (_kind, handler) => {
      const { result } = await testRuntime({ handler }).run({
        flow: stepFlow('{ action: useDefault }'),
        input: {},
      });
      expect(result).toStrictEqual({ outcome: 'success', result: null });
    },
  );

  it.each(kinds)(
    'useDefault resolves a template with references for %s',
    async (_kind, handler) => {
      const f = stepFlow(
        '{ action: useDefault, defaultValue: { fallback: { $from: { workflow: input }, path: x } } }',
      );
      const { result } = await testRuntime({ handler }).run({ flow: f, input: { x: 'fb' } });
      expect(result).toStrictEqual({ outcome: 'success', result: { fallback: 'fb' } });
    },
  );

  it('fail keeps a reported failure verbatim and wraps others as step "<id>" failed', async () => {
    expect(
      (
        await testRuntime({ handler: () => failing(8) }).run({
          flow: stepFlow('{ action: fail }'),
          input: {},
        })
      ).result,
    ).toStrictEqual(failing(8));
    const { result } = await testRuntime({
      handler: () => {
        throw new ComponentError(-32003, 'server said no', { detail: 1 });
      },
    }).run({ flow: stepFlow('{ action: fail }'), input: {} });
    expect(result).toMatchObject({
      outcome: 'failed',
      error: {
        code: 500,
        message: 'step "s" failed',
        data: {
          component: '/test/x',
          cause: { code: -32003, message: 'server said no', data: { detail: 1 } },
        },
      },
    });
  });

  it('an input that cannot be resolved goes through onError too', async () => {
    const f = yamlFlow(`
steps:
  - id: s
    component: /test/x
    input: { $from: { workflow: input }, path: missing }
    onError: { action: useDefault, defaultValue: recovered }
output: { $from: { step: s } }
`);
    expect((await testRuntime().run({ flow: f, input: {} })).result).toStrictEqual({
      outcome: 'success',
      result: 'recovered',
    });
  });

  it('a defaultValue that cannot be resolved fails the step', async () => {
    const f = stepFlow(
      '{ action: useDefault, defaultValue: { $from: { workflow: input }, path: nope } }',
    );
    const { result } = await testRuntime({ handler: () => failing() }).run({ flow: f, input: {} });
    expect(result).toMatchObject({ outcome: 'failed', error: { message: 'step "s" failed' } });
    expect(JSON.stringify(result)).toContain("failed to resolve default for error in step 's'");
  });

  it('defaultValue references are dependencies (they wait for the referenced step)', async () => {
    const gate = deferred<FlowResult>();
    const f = yamlFlow(`
steps:
  - { id: slow, component: /test/slow, input: 1 }
  - id: s
    component: /test/fail
    onError: { action: useDefault, defaultValue: { $from: { step: slow } } }
output: { $from: { step: s } }
`);
    const started: string[] = [];
    const runtime = testRuntime({
      handler: (e) => {
        started.push(e.context.stepId);
        return e.context.stepId === 'slow' ? gate.promise : failing();
      },
    });
    const run = runtime.run({ flow: f, input: {} });
    await flushPromises();
    expect(started).toEqual(['slow']);
    gate.resolve({ outcome: 'success', result: 'late' });
    expect((await run).result).toStrictEqual({ outcome: 'success', result: 'late' });
  });
});

describe('onError retry (DECISIONS 12)', () => {
  it('retries up to maxAttempts with increasing attempt numbers, then fails', async () => {
    const clock = createManualClock(1000);
    const attempts: number[] = [];
    const runtime = testRuntime({
      clock,
      random: () => 0.5,
      handler: (e) => (attempts.push(e.context.attempt), failing()),
    });
    const log = eventLog();
    const run = runtime.run({
      flow: stepFlow(
        '{ action: retry, maxAttempts: 3, backoff: { initialMs: 100, multiplier: 2, maxMs: 150, jitter: false } }',
      ),
      input: {},
      onEvent: log.onEvent,
    });
    await clock.whenSleeping();
    clock.advance(100);
    await clock.whenSleeping();
    clock.advance(150);
    const { result } = await run;
    expect(result).toStrictEqual(failing());
    expect(attempts).toEqual([1, 2, 3]);
    expect(clock.requestedDelays).toEqual([100, 150]);
    const retrying = log.events.filter(
      (e): e is Extract<RunEvent, { type: 'stepRetrying' }> => e.type === 'stepRetrying',
    );
    expect(retrying.map((e) => [e.attempt, e.delayMs, e.reason])).toEqual([
      [1, 100, 'onError'],
      [2, 150, 'onError'],
    ]);
    expect(log.events.at(-2)).toMatchObject({ type: 'stepCompleted', attempt: 3 });
    expect(log.events.at(-1)).toMatchObject({ type: 'runCompleted', at: 1250 });
  });

  it('stops retrying at the first success', async () => {
    const clock = createManualClock();
    let calls = 0;
    const runtime = testRuntime({
      clock,
      handler: () => (++calls < 2 ? failing() : { outcome: 'success', result: calls }),
    });
    const run = runtime.run({ flow: stepFlow('{ action: retry }'), input: {} });
    await clock.whenSleeping();
    clock.advance(10_000);
    expect((await run).result).toStrictEqual({ outcome: 'success', result: 2 });
  });

  it('defaults: 3 attempts, 100 ms doubling, jitter from the injected randomness', async () => {
    const clock = createManualClock();
    const randoms = [0, 1];
    const runtime = testRuntime({
      clock,
      random: () => randoms.shift() ?? 0,
      handler: () => failing(),
    });
    const run = runtime.run({ flow: stepFlow('{ action: retry }'), input: {} });
    await clock.whenSleeping();
    clock.advance(1_000);
    await clock.whenSleeping();
    clock.advance(1_000);
    await run;
    // equal jitter: nominal/2 + random * nominal/2
    expect(clock.requestedDelays).toEqual([50, 200]);
  });

  it('a retried step whose run is cancelled while waiting stops', async () => {
    const clock = createManualClock();
    const controller = new AbortController();
    const runtime = testRuntime({ clock, handler: () => failing() });
    const run = runtime.run({
      flow: stepFlow('{ action: retry }'),
      input: {},
      signal: controller.signal,
    });
    await clock.whenSleeping();
    controller.abort();
    expect((await run).result).toMatchObject({ outcome: 'failed', error: { code: 410 } });
    expect(clock.sleepers).toBe(0);
  });
});

describe('plugin answers', () => {
  it.each([
    [undefined],
    [{ outcome: 'weird' }],
    [{ outcome: 'success' }],
    [{ outcome: 'failed', error: 'x' }],
  ])('a malformed FlowResult %j is a step failure', async (answer) => {
    const runtime = testRuntime({ handler: () => answer as unknown as FlowResult });
    const { result } = await runtime.run({ flow: stepFlow('{ action: fail }'), input: {} });
    expect(result).toMatchObject({
      outcome: 'failed',
      error: { code: 500, message: 'step "s" failed' },
    });
    expect(JSON.stringify(result)).toContain("Plugin 'test' returned an invalid FlowResult for /x");
  });
});

describe('transport budget', () => {
  it('retries a ComponentUnavailableError with attempt+1 up to 3 times', async () => {
    const attempts: number[] = [];
    const runtime = testRuntime({
      handler: (e) => {
        attempts.push(e.context.attempt);
        if (e.context.attempt < 3) throw new ComponentUnavailableError('crashed');
        return { outcome: 'success', result: 'ok' };
      },
    });
    const log = eventLog();
    const { result } = await runtime.run({
      flow: stepFlow('{ action: fail }'),
      input: {},
      onEvent: log.onEvent,
    });
    expect(result).toStrictEqual({ outcome: 'success', result: 'ok' });
    expect(attempts).toEqual([1, 2, 3]);
    expect(
      log.events
        .filter((e) => e.type === 'stepRetrying')
        .map((e) => (e as { reason: string }).reason),
    ).toEqual(['transport', 'transport']);
  });

  it('fails the step after the budget', async () => {
    const attempts: number[] = [];
    const runtime = testRuntime({
      handler: (e) => {
        attempts.push(e.context.attempt);
        throw new ComponentUnavailableError('down');
      },
    });
    const { result } = await runtime.run({ flow: stepFlow('{ action: fail }'), input: {} });
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(result).toMatchObject({
      outcome: 'failed',
      error: { code: 500, message: 'step "s" failed', data: { cause: { message: 'down' } } },
    });
  });
});

describe('timeoutMs', () => {
  it('aborts a slow attempt on the injected clock and fails the step', async () => {
    const clock = createManualClock();
    let seen: AbortSignal | undefined;
    const runtime = testRuntime({
      clock,
      handler: (e) => ((seen = e.context.signal), new Promise<FlowResult>(() => undefined)),
    });
    const run = runtime.run({
      flow: stepFlow('{ action: fail }', '    timeoutMs: 500'),
      input: {},
    });
    await clock.whenSleeping();
    expect(clock.requestedDelays).toEqual([500]);
    clock.advance(500);
    const { result } = await run;
    expect(seen?.aborted).toBe(true);
    expect(result).toMatchObject({ outcome: 'failed', error: { message: 'step "s" failed' } });
    expect(JSON.stringify(result)).toContain("step 's' timed out after 500 ms");
  });

  it('timeouts can be retried', async () => {
    const clock = createManualClock();
    let calls = 0;
    const runtime = testRuntime({
      clock,
      handler: () =>
        ++calls === 1
          ? new Promise<FlowResult>(() => undefined)
          : { outcome: 'success', result: calls },
    });
    const run = runtime.run({
      flow: stepFlow('{ action: retry, backoff: { jitter: false } }', '    timeoutMs: 500'),
      input: {},
    });
    await clock.whenSleeping();
    clock.advance(500);
    await clock.whenSleeping();
    clock.advance(100);
    expect((await run).result).toStrictEqual({ outcome: 'success', result: 2 });
  });

  it('a fast step cancels its timer', async () => {
    const clock = createManualClock();
    const runtime = testRuntime({ clock });
    await runtime.run({ flow: stepFlow('{ action: fail }', '    timeoutMs: 500'), input: {} });
    expect(clock.sleepers).toBe(0);
  });
});

describe('scheduling (§14 row 8)', () => {
  it('starts independent steps together and a dependent only after all its dependencies', async () => {
    const gates = new Map([
      ['a', deferred<FlowResult>()],
      ['b', deferred<FlowResult>()],
    ]);
    const started: string[] = [];
    const runtime = testRuntime({
      handler: (e) => {
        started.push(e.context.stepId);
        return gates.get(e.context.stepId)?.promise ?? { outcome: 'success', result: e.input };
      },
    });
    const f = yamlFlow(`
steps:
  - { id: a, component: /test/x, input: 1 }
  - { id: b, component: /test/x, input: 2 }
  - { id: c, component: /test/x, input: [{ $from: { step: a } }, { $from: { step: b } }] }
output: { $from: { step: c } }
`);
    const run = runtime.run({ flow: f, input: {} });
    await flushPromises();
    expect(started.sort()).toEqual(['a', 'b']);
    gates.get('a')!.resolve({ outcome: 'success', result: 'A' });
    await flushPromises();
    expect(started).toHaveLength(2);
    gates.get('b')!.resolve({ outcome: 'success', result: 'B' });
    expect((await run).result).toStrictEqual({ outcome: 'success', result: ['A', 'B'] });
    expect(started).toHaveLength(3);
  });

  it('a step nothing references still runs (REF)', async () => {
    const ran: string[] = [];
    const runtime = testRuntime({
      handler: (e) => (ran.push(e.context.stepId), { outcome: 'success', result: null }),
    });
    await runtime.run({
      flow: yamlFlow('steps: [{ id: lonely, component: /test/x }]\noutput: 1'),
      input: {},
    });
    expect(ran).toEqual(['lonely']);
  });

  it('passes run id, flow id, step id, attempt and services in the execution context', async () => {
    let context: Record<string, unknown> = {};
    const runtime = testRuntime({
      handler: (e) => ((context = { ...e.context }), { outcome: 'success', result: e.component }),
    });
    const outcome = await runtime.run({
      flow: stepFlow('{ action: fail }'),
      input: {},
      runId: 'r1',
    });
    expect(context).toMatchObject({ runId: 'r1', flowId: outcome.flowId, stepId: 's', attempt: 1 });
    expect(typeof (context.services as { putBlob: unknown }).putBlob).toBe('function');
    expect(outcome.result).toStrictEqual({ outcome: 'success', result: '/x' });
  });
});

describe('cancellation', () => {
  it('stops dispatching and aborts in-flight executions', async () => {
    const controller = new AbortController();
    const started: string[] = [];
    const signals: AbortSignal[] = [];
    const runtime = testRuntime({
      handler: (e) => {
        started.push(e.context.stepId);
        signals.push(e.context.signal);
        return new Promise<FlowResult>(() => undefined);
      },
    });
    const f = yamlFlow(`
steps:
  - { id: a, component: /test/x }
  - { id: b, component: /test/x, input: { $from: { step: a } } }
output: { $from: { step: b } }
`);
    const log = eventLog();
    const run = runtime.run({
      flow: f,
      input: {},
      signal: controller.signal,
      onEvent: log.onEvent,
    });
    await flushPromises();
    controller.abort(new Error('user pressed ^C'));
    const { result } = await run;
    expect(result).toStrictEqual({
      outcome: 'failed',
      error: { code: 410, message: 'Run cancelled', data: { reason: 'user pressed ^C' } },
    });
    expect(started).toEqual(['a']);
    expect(signals[0]?.aborted).toBe(true);
    expect(log.events.at(-1)?.type).toBe('runCompleted');
  });

  it('leaves no listeners on a caller signal shared by many runs', async () => {
    const controller = new AbortController();
    const runtime = testRuntime();
    for (let i = 0; i < 20; i++) {
      await runtime.run({
        flow: stepFlow('{ action: fail }', '    timeoutMs: 1000'),
        input: {},
        signal: controller.signal,
      });
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('an already-aborted signal runs nothing', async () => {
    let called = false;
    const runtime = testRuntime({
      handler: () => ((called = true), { outcome: 'success', result: 1 }),
    });
    const { result } = await runtime.run({
      flow: stepFlow('{ action: fail }'),
      input: {},
      signal: AbortSignal.abort(),
    });
    expect(result.outcome).toBe('failed');
    expect(called).toBe(false);
  });

  it('closing the runtime cancels running runs', async () => {
    const runtime = testRuntime({ handler: () => new Promise<FlowResult>(() => undefined) });
    const run = runtime.run({ flow: stepFlow('{ action: fail }'), input: {} });
    await flushPromises();
    await runtime.close();
    expect((await run).result).toMatchObject({ outcome: 'failed', error: { code: 410 } });
  });
});

describe('run state as events (journal and resume)', () => {
  it('RuntimeOptions.onEvent sees nested runs, linked by parentRunId', async () => {
    const all: RunEvent[] = [];
    let n = 0;
    const runtime = testRuntime({ onEvent: (e) => all.push(e), ids: () => `r${++n}` });
    const child = { schema: 'https://stepflow.org/schemas/v1/flow.json', output: { result: 1 } };
    const f = yamlFlow(`
steps:
  - id: it
    component: /builtin/iterate
    input: { flow: { $literal: ${JSON.stringify(child)} }, initial_input: 0 }
output: { $from: { step: it } }
`);
    await runtime.run({ flow: f, input: {} });
    const started = all.filter(
      (e): e is Extract<RunEvent, { type: 'runStarted' }> => e.type === 'runStarted',
    );
    expect(started.map((e) => [e.runId, e.parentRunId])).toEqual([
      ['r1', undefined],
      ['r2', 'r1'],
    ]);
  });

  it('resumes from recorded events without re-running finished steps', async () => {
    const f = yamlFlow(`
steps:
  - { id: a, component: /test/x, input: 1 }
  - { id: b, component: /test/x, input: { $from: { step: a } } }
  - { id: c, component: /test/x, input: { $from: { step: b } } }
output: { $from: { step: c } }
`);
    const journal = createRunJournal();
    const first = testRuntime({
      handler: (e) =>
        e.context.stepId === 'b'
          ? new Promise<FlowResult>(() => undefined)
          : { outcome: 'success', result: e.input },
    });
    const controller = new AbortController();
    const crashed = first.run({
      flow: f,
      input: {},
      runId: 'r',
      signal: controller.signal,
      onEvent: journal.record,
    });
    await flushPromises();
    controller.abort();
    await crashed;
    expect([...journal.stepResults().keys()]).toEqual(['a']);

    const ran: string[] = [];
    const second = testRuntime({
      handler: (e) => (ran.push(e.context.stepId), { outcome: 'success', result: [e.input] }),
    });
    const resumed = createRunJournal();
    const { result } = await second.run({
      flow: f,
      input: {},
      runId: 'r',
      resumeFrom: journal.events,
      onEvent: resumed.record,
    });
    expect(ran).toEqual(['b', 'c']);
    expect(result).toStrictEqual({ outcome: 'success', result: [[1]] });
    expect(resumed.result()).toStrictEqual(result);
    expect(resumed.stepResults().get('a')).toStrictEqual({ outcome: 'success', result: 1 });
  });
});

describe('a chain of failures', () => {
  const chain = (first: string): ReturnType<typeof yamlFlow> =>
    yamlFlow(`
steps:
  - { id: a, component: ${first}, input: x }
  - { id: b, component: /test/echo, input: { $from: { step: a } } }
  - { id: c, component: /test/echo, input: { $from: { step: b } } }
output: { $from: { step: c } }
`);

  it('names the root step and its reason in the top-level message', async () => {
    const handler = (): FlowResult => {
      throw new ComponentError(-32003, 'disk full');
    };
    const { result } = await testRuntime({ handler }).run({ flow: chain('/test/x'), input: {} });
    expect(result).toMatchObject({
      outcome: 'failed',
      error: {
        code: 500,
        message: 'step "c" failed: step "a" failed: disk full',
        data: {
          dependency: 'b',
          cause: {
            message: 'step "b" failed: step "a" failed: disk full',
            data: { dependency: 'a', cause: { message: 'step "a" failed' } },
          },
        },
      },
    });
  });

  it('quotes a component-reported root failure as reported', async () => {
    const mock = {
      '/fail': { behaviors: { '"x"': { outcome: 'failed', error: failing().error } } },
    };
    const { result } = await testRuntime({ mock }).run({ flow: chain('/mock/fail'), input: {} });
    expect(result).toMatchObject({
      outcome: 'failed',
      error: { code: 500, message: 'step "c" failed: step "a" failed: error' },
    });
  });
});
