import { expect, it } from 'vitest';
import { events, expectStoreError, flowNamed, type SubjectSource } from './compliance-context.ts';

/** What survives a reopen, and which databases a store refuses to open. */
export function durabilityCompliance(subject: SubjectSource): void {
  it('keeps everything across a reopen of the same medium', async (context) => {
    const { store, reopen } = await subject();
    if (!reopen) return context.skip();
    await store.createBatch({ id: 'b', flow: flowNamed('d'), runs: [{ id: 'r', input: 'ü' }] });
    await store.appendEvents([{ runId: 'r', events: [events.runStarted('r')] }]);
    await store.createPendingAnswer({ runId: 'r', stepId: 's', prompt: 'p' });
    await store.submitAnswer('r', 's', 42, 'ada');
    await store.acquireLease('r', 'w', 1000);
    const before = {
      run: await store.getRun('r'),
      batch: await store.getBatch('b'),
      journal: await store.readEvents('r'),
      answer: await store.getPendingAnswer('r', 's'),
      lease: await store.getLease('r'),
    };
    await store.close();
    const again = await reopen();
    try {
      expect({
        run: await again.getRun('r'),
        batch: await again.getBatch('b'),
        journal: await again.readEvents('r'),
        answer: await again.getPendingAnswer('r', 's'),
        lease: await again.getLease('r'),
      }).toEqual(before);
      expect((await again.appendEvents([{ runId: 'r', events: [], expectedSeq: 1 }]))[0]).toEqual({
        runId: 'r',
        firstSeq: 2,
        lastSeq: 1,
      });
    } finally {
      await again.close();
    }
  });

  it('fails every call after close', async () => {
    const { store } = await subject();
    await store.close();
    await store.close();
    await expectStoreError(store.getRun('r'), 'store-closed');
    await expectStoreError(store.put('x'), 'store-closed');
  });

  for (const [hook, code] of [
    ['openCorrupt', 'database-corrupt'],
    ['openForeign', 'database-foreign'],
    ['openNewerSchema', 'schema-too-new'],
  ] as const) {
    it(`refuses to open a database it cannot trust (${code})`, async (context) => {
      const created = await subject();
      const open = created[hook];
      if (!open) return context.skip();
      const error = await expectStoreError(open(), code);
      expect(error.message.length).toBeGreaterThan(20);
    });
  }
}
