import { describe, expect, it } from 'vitest';
import { createRunProgress } from './run-progress.ts';

describe('createRunProgress', () => {
  it('counts running and done steps of the top-level run only, then clears the line', () => {
    const written: string[] = [];
    let time = 0;
    const progress = createRunProgress(
      (text) => written.push(text),
      () => (time += 200),
    );
    const base = { at: 0 };
    progress.onEvent({ ...base, type: 'runStarted', runId: 'r', flowId: 'f', input: null });
    progress.onEvent({
      ...base,
      type: 'stepStarted',
      runId: 'r',
      stepId: 'a',
      attempt: 1,
      component: '/x',
      input: null,
    });
    progress.onEvent({
      ...base,
      type: 'stepStarted',
      runId: 'r',
      stepId: 'b',
      attempt: 1,
      component: '/x',
      input: null,
    });
    progress.onEvent({
      ...base,
      type: 'runStarted',
      runId: 'nested',
      flowId: 'f',
      input: null,
      parentRunId: 'r',
    });
    progress.onEvent({
      ...base,
      type: 'stepStarted',
      runId: 'nested',
      stepId: 'z',
      attempt: 1,
      component: '/x',
      input: null,
    });
    progress.onEvent({
      ...base,
      type: 'stepCompleted',
      runId: 'r',
      stepId: 'a',
      attempt: 1,
      result: { outcome: 'success', result: 1 },
    });
    expect(written.at(-1)).toContain('steps 1 done, 1 running');
    progress.finish();
    expect(written.at(-1)).toBe('\r\u001b[2K');
  });

  it('writes nothing when no event arrived', () => {
    const written: string[] = [];
    createRunProgress((text) => written.push(text)).finish();
    expect(written).toEqual([]);
  });
});
