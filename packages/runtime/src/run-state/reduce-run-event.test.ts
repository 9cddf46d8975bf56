import { describe, expect, it } from 'vitest';
import {
  foldRunEvents,
  planFlow,
  reduceRunEvent,
  RunStateError,
  stepStatuses,
  type RunEvent,
} from '../index.ts';
import { yamlFlow } from '../../test/helpers.ts';

const started: RunEvent = { type: 'runStarted', runId: 'r', at: 1, flowId: 'f', input: { x: 1 } };
const failedResult = { outcome: 'failed', error: { code: 7, message: 'no' } } as const;

describe('reduceRunEvent', () => {
  it('folds a run’s events into its state', () => {
    const state = foldRunEvents([
      started,
      {
        type: 'stepStarted',
        runId: 'r',
        at: 2,
        stepId: 'a',
        attempt: 1,
        component: '/x',
        input: 1,
      },
      {
        type: 'stepRetrying',
        runId: 'r',
        at: 3,
        stepId: 'a',
        attempt: 1,
        error: { code: 1, message: 'flaky' },
        delayMs: 5,
        reason: 'onError',
      },
      {
        type: 'stepStarted',
        runId: 'r',
        at: 4,
        stepId: 'a',
        attempt: 2,
        component: '/x',
        input: 1,
      },
      {
        type: 'stepCompleted',
        runId: 'r',
        at: 5,
        stepId: 'a',
        attempt: 2,
        result: { outcome: 'success', result: 9 },
      },
      {
        type: 'stepCompleted',
        runId: 'r',
        at: 5,
        stepId: 'b',
        attempt: 0,
        result: { outcome: 'skipped' },
      },
      { type: 'runCompleted', runId: 'r', at: 6, result: { outcome: 'success', result: 9 } },
    ])!;
    expect(state.status).toBe('completed');
    expect(state.eventCount).toBe(7);
    expect(state.steps.get('a')).toMatchObject({
      status: 'completed',
      attempts: 2,
      onErrorRetries: 1,
      transportRetries: 0,
      startedAt: 2,
      completedAt: 5,
      lastError: { code: 1, message: 'flaky' },
    });
    expect(state.steps.get('b')?.status).toBe('skipped');
  });

  it('gives failed, cancelled and resumed statuses', () => {
    const failed = foldRunEvents([
      started,
      { type: 'runCompleted', runId: 'r', at: 2, result: failedResult },
    ])!;
    expect(failed.status).toBe('failed');
    const cancelled = foldRunEvents([
      started,
      {
        type: 'runCompleted',
        runId: 'r',
        at: 2,
        result: { outcome: 'failed', error: { code: 410, message: 'Run cancelled' } },
      },
    ])!;
    expect(cancelled.status).toBe('cancelled');
    const resumed = reduceRunEvent(cancelled, { type: 'runResumed', runId: 'r', at: 3 });
    expect(resumed.status).toBe('running');
    expect(resumed.result).toBeUndefined();
    const skipped = foldRunEvents([
      started,
      { type: 'runCompleted', runId: 'r', at: 2, result: { outcome: 'skipped' } },
    ])!;
    expect(skipped.status).toBe('completed');
  });

  it('refuses events that do not form one run', () => {
    expect(() => foldRunEvents([{ type: 'runResumed', runId: 'r', at: 1 }])).toThrow(RunStateError);
    expect(() => foldRunEvents([started, started])).toThrow(/second 'runStarted'/);
    expect(() => foldRunEvents([started, { type: 'runResumed', runId: 'other', at: 2 }])).toThrow(
      /event of run other in the journal of run r/,
    );
  });
});

describe('stepStatuses', () => {
  it('derives blocked and runnable from the flow', () => {
    const plan = planFlow(
      yamlFlow(`
steps:
  - { id: a, component: /x, input: 1 }
  - { id: b, component: /x, input: { $from: { step: a } } }
  - { id: c, component: /x, input: { $from: { step: b } } }
  - { id: d, component: /x, input: 2 }
output: { $from: { step: c } }
`),
    );
    const state = foldRunEvents([
      started,
      {
        type: 'stepCompleted',
        runId: 'r',
        at: 2,
        stepId: 'a',
        attempt: 1,
        result: { outcome: 'success', result: 1 },
      },
      {
        type: 'stepStarted',
        runId: 'r',
        at: 2,
        stepId: 'd',
        attempt: 1,
        component: '/x',
        input: 2,
      },
    ])!;
    expect(Object.fromEntries(stepStatuses(plan, state))).toEqual({
      a: 'completed',
      b: 'runnable',
      c: 'blocked',
      d: 'running',
    });
  });
});
