// The one behavioural suite every StateStore implementation must pass (memory, SQLite,
// PostgreSQL), shipped as `@stepflow/state-store/testing` so stores in other packages run it too.
import { afterEach, describe } from 'vitest';
import { blobStoreComplianceSuite } from '@stepflow/blob-store/testing';
import { answerCompliance } from './compliance/answer-compliance.ts';
import { batchClaimCompliance } from './compliance/batch-claim-compliance.ts';
import { batchCompliance } from './compliance/batch-compliance.ts';
import type {
  ClockedSubject,
  StateStoreSubject,
  StateStoreSubjectFactory,
} from './compliance/compliance-context.ts';
import { deleteCompliance } from './compliance/delete-compliance.ts';
import { durabilityCompliance } from './compliance/durability-compliance.ts';
import { fencingCompliance } from './compliance/fencing-compliance.ts';
import { journalCompliance } from './compliance/journal-compliance.ts';
import { leaseCompliance } from './compliance/lease-compliance.ts';
import { runCompliance } from './compliance/run-compliance.ts';
import { watchCompliance } from './compliance/watch-compliance.ts';
import { createManualStoreClock } from './manual-store-clock.ts';

/**
 * Registers the compliance suite for one implementation under `describe(name)`: the blob store
 * suite, then runs, journal, batches, answers, leases (epochs, fencing, batch-aware claims),
 * change notices and durability. `createSubject` is called
 * once per test with a manual clock the store must use.
 */
export function stateStoreComplianceSuite(
  name: string,
  createSubject: StateStoreSubjectFactory,
): void {
  blobStoreComplianceSuite(`${name} state store`, async () => {
    const created = await createSubject({ clock: createManualStoreClock() });
    return {
      store: created.store,
      corrupt: created.corruptBlob,
      dispose: () => disposeSubject(created),
    };
  });

  describe(`${name}: StateStore compliance`, () => {
    const subjects: StateStoreSubject[] = [];
    const subject = async (): Promise<ClockedSubject> => {
      const clock = createManualStoreClock();
      const created = await createSubject({ clock });
      subjects.push(created);
      return { ...created, clock };
    };
    afterEach(async () => {
      for (const created of subjects.splice(0)) await disposeSubject(created);
    });

    describe('runs', () => runCompliance(subject));
    describe('journal', () => journalCompliance(subject));
    describe('deleting runs', () => deleteCompliance(subject));
    describe('batches', () => batchCompliance(subject));
    describe('answers', () => answerCompliance(subject));
    describe('leases', () => leaseCompliance(subject));
    describe('lease epochs and fencing', () => fencingCompliance(subject));
    describe('claims honouring batches', () => batchClaimCompliance(subject));
    describe('change notices', () => watchCompliance(subject));
    describe('durability', () => durabilityCompliance(subject));
  });
}

async function disposeSubject(subject: StateStoreSubject): Promise<void> {
  await subject.store.close();
  await subject.dispose?.();
}
