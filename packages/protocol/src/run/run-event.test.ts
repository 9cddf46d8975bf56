import { describe, expect, it } from 'vitest';
import {
  RunEventSchema,
  RunStatusSchema,
  StepStatusSchema,
  isTerminalRunStatus,
} from '../index.ts';

const runId = 'run-1';

describe('RunEventSchema', () => {
  it('accepts every event shape the runtime records', () => {
    const events = [
      { type: 'runStarted', runId, at: 1, flowId: 'f'.repeat(64), input: { n: 1 } },
      { type: 'runStarted', runId, at: 1, flowId: 'f', input: null, parentRunId: 'parent' },
      { type: 'stepStarted', runId, at: 2, stepId: 's', attempt: 1, component: '/c', input: 3 },
      {
        type: 'stepRetrying',
        runId,
        at: 3,
        stepId: 's',
        attempt: 1,
        error: { code: 500, message: 'boom', data: { why: 'x' } },
        delayMs: 0,
        reason: 'transport',
      },
      {
        type: 'stepCompleted',
        runId,
        at: 4,
        stepId: 's',
        attempt: 0,
        result: { outcome: 'skipped' },
      },
      {
        type: 'stepPaused',
        runId,
        at: 5,
        stepId: 'ask',
        kind: 'question',
        prompt: { text: 'Refund?' },
        schema: { type: 'boolean' },
        expiresAt: 9,
      },
      { type: 'stepPaused', runId, at: 5, stepId: 'nap', kind: 'timer', wakeAt: 99 },
      { type: 'stepAnswered', runId, at: 6, stepId: 'ask', answer: true, by: 'ada' },
      { type: 'runCompleted', runId, at: 5, result: { outcome: 'success', result: 'ok' } },
    ];
    for (const event of events) expect(RunEventSchema.parse(event)).toEqual(event);
  });

  it('rejects an unknown type, a missing run id and a bad attempt with a path', () => {
    expect(RunEventSchema.safeParse({ type: 'nope', runId, at: 1 }).success).toBe(false);
    expect(
      RunEventSchema.safeParse({ type: 'runCompleted', at: 1, result: { outcome: 'skipped' } })
        .success,
    ).toBe(false);
    const bad = RunEventSchema.safeParse({
      type: 'stepStarted',
      runId,
      at: 1,
      stepId: 's',
      attempt: 0,
      component: '/c',
      input: null,
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['attempt']);
  });

  it('requires `input` to be present on runStarted', () => {
    const parsed = RunEventSchema.safeParse({ type: 'runStarted', runId, at: 1, flowId: 'f' });
    expect(parsed.success).toBe(false);
  });
});

describe('RunStatusSchema and StepStatusSchema', () => {
  it('list the statuses of DECISIONS item 23', () => {
    expect(RunStatusSchema.options).toEqual([
      'running',
      'paused',
      'completed',
      'failed',
      'cancelled',
    ]);
    expect(StepStatusSchema.options).toEqual([
      'blocked',
      'runnable',
      'running',
      'paused',
      'completed',
      'skipped',
      'failed',
    ]);
  });

  it('marks completed, failed and cancelled as terminal', () => {
    expect(RunStatusSchema.options.filter(isTerminalRunStatus)).toEqual([
      'completed',
      'failed',
      'cancelled',
    ]);
  });
});
