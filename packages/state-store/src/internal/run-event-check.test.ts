import { RunEventSchema } from '@stepflow/protocol';
import { describe, expect, it } from 'vitest';
import { isWellFormedRunEvent } from './run-event-check.ts';

const base = { runId: 'r', at: 1 };
const valid: unknown[] = [
  { type: 'runStarted', ...base, flowId: 'f', input: { a: 1 } },
  { type: 'runStarted', ...base, flowId: 'f', input: null, parentRunId: 'p', parentStepId: 's' },
  { type: 'runResumed', ...base },
  { type: 'stepStarted', ...base, stepId: 's', attempt: 1, component: '/x', input: 1 },
  {
    type: 'stepRetrying',
    ...base,
    stepId: 's',
    attempt: 2,
    error: { code: 5, message: 'm', data: [1] },
    delayMs: 0,
    reason: 'transport',
  },
  { type: 'stepCompleted', ...base, stepId: 's', attempt: 0, result: { outcome: 'skipped' } },
  {
    type: 'stepCompleted',
    ...base,
    stepId: 's',
    attempt: 1,
    result: { outcome: 'success', result: 0 },
  },
  {
    type: 'runCompleted',
    ...base,
    result: { outcome: 'failed', error: { code: 410, message: 'x' } },
  },
];
const invalid: unknown[] = [
  null,
  [],
  { type: 'runResumed', runId: '', at: 1 },
  { type: 'runResumed', runId: 'r', at: Number.NaN },
  { type: 'runResumed', runId: 'r', at: Infinity },
  { type: 'nope', ...base },
  { type: 'runStarted', ...base, input: 1 },
  { type: 'runStarted', ...base, flowId: 'f' },
  { type: 'runStarted', ...base, flowId: 'f', input: 1, parentRunId: 3 },
  { type: 'stepStarted', ...base, stepId: 's', attempt: 0, component: '/x', input: 1 },
  { type: 'stepStarted', ...base, stepId: 's', attempt: 1.5, component: '/x', input: 1 },
  { type: 'stepStarted', ...base, stepId: 's', attempt: 1, input: 1 },
  {
    type: 'stepRetrying',
    ...base,
    stepId: 's',
    attempt: 1,
    error: { code: 5, message: 'm' },
    delayMs: -1,
    reason: 'onError',
  },
  {
    type: 'stepRetrying',
    ...base,
    stepId: 's',
    attempt: 1,
    error: { code: 5, message: 'm' },
    delayMs: 0,
    reason: 'other',
  },
  { type: 'stepCompleted', ...base, stepId: 's', attempt: 1, result: { outcome: 'success' } },
  { type: 'stepCompleted', ...base, stepId: 's', attempt: 1, result: { outcome: 'failed' } },
  {
    type: 'runCompleted',
    ...base,
    result: { outcome: 'failed', error: { code: 1.5, message: 'x' } },
  },
  { type: 'runCompleted', ...base, result: { outcome: 'skipped', reason: 3 } },
];

describe('isWellFormedRunEvent', () => {
  it.each(valid)('accepts what the schema accepts: %j', (event) => {
    expect(isWellFormedRunEvent(event)).toBe(true);
    expect(RunEventSchema.safeParse(event).success).toBe(true);
  });

  it.each(invalid)('is never looser than the schema: %j', (event) => {
    expect(isWellFormedRunEvent(event)).toBe(false);
    expect(RunEventSchema.safeParse(event).success).toBe(false);
  });
});
