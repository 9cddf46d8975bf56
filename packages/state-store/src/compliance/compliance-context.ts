import { expect } from 'vitest';
import type { RunEvent } from '@stepflow/protocol';
import type { ManualStoreClock } from '../manual-store-clock.ts';
import type { StateStore } from '../state-store.ts';
import { StateStoreError, type StateStoreErrorCode } from '../state-store-error.ts';
import type { StoreClock } from '../store-clock.ts';

/** What a compliance factory hands the suite for one test. */
export interface StateStoreSubject {
  /** A fresh, empty store using the clock the suite passed in. */
  readonly store: StateStore;
  /** Opens a second store over the same medium, to check what survives a restart. */
  readonly reopen?: () => Promise<StateStore>;
  /** Damages a blob's stored content behind the store's back. */
  readonly corruptBlob?: (id: string) => Promise<void>;
  /** Opens a store over a medium that is not a database (must reject: `database-corrupt`). */
  readonly openCorrupt?: () => Promise<StateStore>;
  /** Opens a store over another application's database (must reject: `database-foreign`). */
  readonly openForeign?: () => Promise<StateStore>;
  /** Opens a store written by a newer schema version (must reject: `schema-too-new`). */
  readonly openNewerSchema?: () => Promise<StateStore>;
  /** Releases whatever the subject holds (files, connections, databases). */
  readonly dispose?: () => Promise<void>;
}

/** Creates one subject per test; the store must take its time from `clock`. */
export type StateStoreSubjectFactory = (context: {
  readonly clock: StoreClock;
}) => Promise<StateStoreSubject> | StateStoreSubject;

/** A subject with the manual clock that drives it. */
export interface ClockedSubject extends StateStoreSubject {
  readonly clock: ManualStoreClock;
}

/** How each compliance file gets a subject. */
export type SubjectSource = () => Promise<ClockedSubject>;

/** Asserts that `promise` rejects with a `StateStoreError` of `code`; returns the error. */
export async function expectStoreError(
  promise: Promise<unknown>,
  code: StateStoreErrorCode,
): Promise<StateStoreError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome, `expected a ${code} error`).toBeInstanceOf(Error);
  if (!StateStoreError.isInstance(outcome)) throw outcome;
  expect(outcome.code, outcome.message).toBe(code);
  return outcome;
}

/** A minimal flow document. */
export function flowNamed(name: string, steps: unknown[] = []): Record<string, unknown> {
  return { schema: 'https://stepflow.org/schemas/v1/flow.json', name, steps };
}

/** Event builders for journal tests. */
export const events = {
  runStarted: (runId: string, at = 0, input: unknown = null): RunEvent => ({
    type: 'runStarted',
    runId,
    at,
    flowId: 'f'.repeat(64),
    input,
  }),
  stepStarted: (runId: string, stepId: string, attempt = 1, input: unknown = null): RunEvent => ({
    type: 'stepStarted',
    runId,
    at: 0,
    stepId,
    attempt,
    component: '/builtin/echo',
    input,
  }),
  stepCompleted: (runId: string, stepId: string, result: unknown = 'ok'): RunEvent => ({
    type: 'stepCompleted',
    runId,
    at: 0,
    stepId,
    attempt: 1,
    result: { outcome: 'success', result },
  }),
  runCompleted: (runId: string, result: unknown = 'done'): RunEvent => ({
    type: 'runCompleted',
    runId,
    at: 0,
    result: { outcome: 'success', result },
  }),
};
