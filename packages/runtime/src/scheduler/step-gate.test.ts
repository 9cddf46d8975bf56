import { describe, expect, it } from 'vitest';
import type { StepPlan } from '../index.ts';
import { deferred, flushPromises, testRuntime, yamlFlow } from '../../test/helpers.ts';

const flow = yamlFlow(`
steps:
  - id: a
    component: /test/x
    input: { v: a }
  - id: b
    component: /test/x
    input: { v: b }
  - id: c
    component: /test/x
    input: { a: { $from: { step: a } }, b: { $from: { step: b } } }
output: { $from: { step: c } }
`);

describe('stepGate', () => {
  it('holds each ready step until the gate lets it go, and the run waits for held steps', async () => {
    const executed: string[] = [];
    const held = new Map<string, () => void>();
    const gate = (step: StepPlan): Promise<void> => {
      const open = deferred<void>();
      held.set(step.id, () => open.resolve());
      return open.promise;
    };
    const runtime = testRuntime({
      handler: (e) => {
        executed.push(e.context.stepId);
        return { outcome: 'success', result: e.input };
      },
    });
    let ended = false;
    const run = runtime.run({ flow, input: {}, stepGate: gate }).then((outcome) => {
      ended = true;
      return outcome;
    });
    await flushPromises();
    expect([...held.keys()]).toEqual(['a', 'b']);
    expect(executed).toEqual([]);
    held.get('b')!();
    await flushPromises();
    expect(executed).toEqual(['b']);
    expect(held.has('c')).toBe(false);
    held.get('a')!();
    await flushPromises();
    expect(executed).toEqual(['b', 'a']);
    expect([...held.keys()]).toEqual(['a', 'b', 'c']);
    expect(ended).toBe(false);
    held.get('c')!();
    const { result } = await run;
    expect(executed).toEqual(['b', 'a', 'c']);
    expect(result).toEqual({ outcome: 'success', result: { a: { v: 'a' }, b: { v: 'b' } } });
  });

  it('lets a step start at once when the gate answers undefined, and cancel ends held runs', async () => {
    const runtime = testRuntime();
    const open = await runtime.run({ flow, input: {}, stepGate: () => undefined });
    expect(open.result.outcome).toBe('success');
    const controller = new AbortController();
    const never = runtime.run({
      flow,
      input: {},
      signal: controller.signal,
      stepGate: () => new Promise<void>(() => undefined),
    });
    await flushPromises();
    controller.abort(new Error('stop'));
    expect((await never).result).toMatchObject({ outcome: 'failed' });
  });
});
