import type { ReadEventsOptions } from './journal-store.ts';
import { StateStoreError } from './state-store-error.ts';

/** The sequence numbers a `readEvents` call asks for: `fromSeq` to `toSeq`, both included. */
export interface ReadRange {
  readonly fromSeq: number;
  /** `Infinity` without a limit. */
  readonly toSeq: number;
}

/**
 * Checks `readEvents` options (`fromSeq` an integer, below 1 meaning 1; `limit` an integer ≥ 0)
 * and turns them into a range, so every store cuts packed journal rows the same way.
 */
export function prepareReadRange(runId: string, options: ReadEventsOptions = {}): ReadRange {
  const { fromSeq = 1, limit } = options;
  if (!Number.isSafeInteger(fromSeq)) {
    throw new StateStoreError('invalid-input', `readEvents(${runId}): fromSeq must be an integer`);
  }
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
    throw new StateStoreError(
      'invalid-input',
      `readEvents(${runId}): limit must be an integer ≥ 0`,
    );
  }
  const from = Math.max(1, fromSeq);
  return { fromSeq: from, toSeq: limit === undefined ? Infinity : from + limit - 1 };
}
