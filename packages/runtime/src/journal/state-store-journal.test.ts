import { describe, expect, it } from 'vitest';
import type { FlowResult } from '@stepflow/protocol';
import { createMemoryStateStore } from '@stepflow/state-store';
import { deferred, flushPromises, testRuntime, yamlFlow } from '../../test/helpers.ts';

const chain = yamlFlow(`
name: chain
steps:
  - { id: a, component: /test/x, input: 1 }
  - { id: b, component: /test/x, input: { $from: { step: a } } }
output: { $from: { step: b } }
`);
const ok = (result: unknown): FlowResult => ({ outcome: 'success', result });

describe('runs in a state store', () => {
  it('records the run, its journal and its final status; a second runtime resumes it', async () => {
    const stateStore = createMemoryStateStore();
    const hang = deferred<FlowResult>();
    const first = testRuntime({
      stateStore,
      handler: (e) => (e.context.stepId === 'b' ? hang.promise : ok(e.input)),
    });
    void first.run({ flow: chain, input: { secret: 'canary-value', x: 1 }, runId: 'r1' });
    await flushPromises();
    const running = await stateStore.getRun('r1');
    expect(running).toMatchObject({ status: 'running', flowName: 'chain' });
    expect(JSON.stringify(running)).not.toContain('canary-value');

    const ran: string[] = [];
    const second = testRuntime({
      stateStore,
      handler: (e) => (ran.push(e.context.stepId), ok(e.input)),
    });
    const { result } = await second.run({ flow: chain, input: {}, runId: 'r1' });
    expect(result).toStrictEqual(ok(1));
    expect(ran).toEqual(['b']);
    const done = await stateStore.getRun('r1');
    expect(done).toMatchObject({ status: 'completed', result: ok(1) });
    const types = (await stateStore.readEvents('r1')).map((entry) => entry.event.type);
    expect(types).toEqual([
      'runStarted',
      'stepStarted',
      'stepCompleted',
      'stepStarted',
      'runResumed',
      'stepStarted',
      'stepCompleted',
      'runCompleted',
    ]);
  });

  it('stops a run that someone else wrote to (a cancellation recorded by another process)', async () => {
    const stateStore = createMemoryStateStore();
    const gate = deferred<FlowResult>();
    const runtime = testRuntime({
      stateStore,
      handler: (e) => (e.context.stepId === 'a' ? gate.promise : ok(e.input)),
    });
    const running = runtime.run({ flow: chain, input: {}, runId: 'r2' });
    await flushPromises();
    const cancelled: FlowResult = {
      outcome: 'failed',
      error: { code: 410, message: 'Run cancelled' },
    };
    await stateStore.appendEvents([
      {
        runId: 'r2',
        events: [{ type: 'runCompleted', runId: 'r2', at: Date.now(), result: cancelled }],
        status: 'cancelled',
        result: cancelled,
      },
    ]);
    gate.resolve(ok(1));
    await expect(running).rejects.toThrow(/sequence|expected/i);
    expect(await stateStore.getRun('r2')).toMatchObject({ status: 'cancelled' });
  });
});
