import type { RunEvent } from '@stepflow/protocol';
import { describe, expect, it } from 'vitest';
import { EMPTY_RUN_VIEW, foldRunView, reduceRunEvent, TIMELINE_LIMIT } from './run-view.ts';

const runId = 'r1';
const started: RunEvent = { type: 'runStarted', runId, at: 1000, flowId: 'f', input: { n: 1 } };
const stepStarted = (attempt: number, at: number): RunEvent => ({
  type: 'stepStarted',
  runId,
  at,
  stepId: 'a',
  attempt,
  component: '/fx/a',
  input: { attempt },
});

describe('reduceRunEvent', () => {
  it('follows a run through a retried step to success', () => {
    const view = foldRunView(
      [
        started,
        stepStarted(1, 1100),
        {
          type: 'stepRetrying',
          runId,
          at: 1200,
          stepId: 'a',
          attempt: 1,
          error: { code: 500, message: 'boom' },
          delayMs: 10,
          reason: 'onError',
        },
        stepStarted(2, 1300),
        {
          type: 'stepCompleted',
          runId,
          at: 1500,
          stepId: 'a',
          attempt: 2,
          result: { outcome: 'success', result: 42 },
        },
        { type: 'runCompleted', runId, at: 1600, result: { outcome: 'success', result: 42 } },
      ].map((event, i) => ({ event: event as RunEvent, seq: i + 1 })),
    );
    expect(view.status).toBe('completed');
    expect(view.input).toEqual({ n: 1 });
    expect(view.startedAt).toBe(1000);
    expect(view.endedAt).toBe(1600);
    const step = view.steps.get('a')!;
    expect(step.status).toBe('completed');
    expect(step.startedAt).toBe(1100);
    expect(step.endedAt).toBe(1500);
    expect(step.attempts).toEqual([
      {
        attempt: 1,
        startedAt: 1100,
        input: { attempt: 1 },
        component: '/fx/a',
        endedAt: 1200,
        error: { code: 500, message: 'boom' },
      },
      { attempt: 2, startedAt: 1300, input: { attempt: 2 }, component: '/fx/a', endedAt: 1500 },
    ]);
    expect(view.timeline.map((e) => e.summary)).toEqual([
      'Run started',
      'a started (attempt 1, /fx/a)',
      'a attempt 1 failed: boom; retrying in 10 ms',
      'a started (attempt 2, /fx/a)',
      'a completed',
      'Run completed',
    ]);
    expect(view.lastSeq).toBe(6);
  });

  it('shows a failed step with its error and the run failed', () => {
    const error = { code: 42, message: 'bad input' };
    const view = foldRunView([
      { event: started },
      { event: stepStarted(1, 1100) },
      {
        event: {
          type: 'stepCompleted',
          runId,
          at: 1200,
          stepId: 'a',
          attempt: 1,
          result: { outcome: 'failed', error },
        },
      },
      { event: { type: 'runCompleted', runId, at: 1300, result: { outcome: 'failed', error } } },
    ]);
    expect(view.status).toBe('failed');
    expect(view.steps.get('a')!.status).toBe('failed');
    expect(view.steps.get('a')!.attempts[0]!.error).toEqual(error);
    expect(view.timeline.at(-1)!.summary).toBe('Run failed: bad input');
  });

  it('marks a step skipped before dispatch', () => {
    const view = reduceRunEvent(EMPTY_RUN_VIEW, {
      type: 'stepCompleted',
      runId,
      at: 5,
      stepId: 'b',
      attempt: 0,
      result: { outcome: 'skipped', reason: 'skipIf' },
    });
    expect(view.steps.get('b')).toMatchObject({ status: 'skipped', attempts: [] });
    expect(view.timeline[0]!.summary).toBe('b skipped: skipIf');
  });

  it('ignores an event replayed after a reconnect (same or lower seq)', () => {
    const once = reduceRunEvent(
      reduceRunEvent(EMPTY_RUN_VIEW, started, 1),
      stepStarted(1, 1100),
      2,
    );
    expect(reduceRunEvent(once, stepStarted(1, 1100), 2)).toBe(once);
    expect(reduceRunEvent(once, started, 1)).toBe(once);
    expect(once.steps.get('a')!.attempts).toHaveLength(1);
  });

  it('leaves the previous view unchanged', () => {
    const before = reduceRunEvent(EMPTY_RUN_VIEW, started, 1);
    reduceRunEvent(before, stepStarted(1, 1100), 2);
    expect(before.steps.size).toBe(0);
    expect(before.timeline).toHaveLength(1);
  });

  it('shows an event of an unknown kind, and a step paused for a question', () => {
    const view = foldRunView([
      { event: started },
      { event: stepStarted(1, 1100) },
      { event: { type: 'stepPaused', at: 1200, stepId: 'a' } },
      { event: { type: 'somethingNew', at: 1300 } },
    ]);
    expect(view.steps.get('a')!.status).toBe('paused');
    expect(view.timeline.slice(2).map((e) => e.summary)).toEqual(['a: stepPaused', 'somethingNew']);
  });

  it('keeps the timeline bounded', () => {
    let view = EMPTY_RUN_VIEW;
    for (let i = 1; i <= TIMELINE_LIMIT + 10; i++)
      view = reduceRunEvent(view, stepStarted(i, i), i);
    expect(view.timeline).toHaveLength(TIMELINE_LIMIT);
    expect(view.timeline[0]!.seq).toBe(11);
  });
});
