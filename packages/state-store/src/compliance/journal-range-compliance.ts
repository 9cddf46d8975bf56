import { expect, it } from 'vitest';
import { blobIdOf } from '@stepflow/blob-store';
import { events, expectStoreError, flowNamed, type SubjectSource } from './compliance-context.ts';

const flow = flowNamed('journal-range');

/**
 * Reading parts of a journal whose appends hold several events (SQL stores keep an append as one
 * row), and creating a run with its first append.
 */
export function journalRangeCompliance(subject: SubjectSource): void {
  it('reads any range across and inside appends of several events', async () => {
    const { store } = await subject();
    await store.createRun({ id: 'r', flow, input: null });
    const steps = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => events.stepStarted('r', `s${from + i}`));
    await store.appendEvents([{ runId: 'r', events: [events.runStarted('r'), ...steps(2, 4)] }]);
    await store.appendEvents([{ runId: 'r', events: [] }]);
    await store.appendEvents([{ runId: 'r', events: steps(6, 3) }]);
    await store.appendEvents([{ runId: 'r', events: steps(9, 1) }]);
    const seqs = async (options?: { fromSeq?: number; limit?: number }) =>
      (await store.readEvents('r', options)).map((e) => e.seq);
    expect(await seqs()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await seqs({ fromSeq: 3, limit: 2 })).toEqual([3, 4]);
    expect(await seqs({ fromSeq: 4, limit: 4 })).toEqual([4, 5, 6, 7]);
    expect(await seqs({ fromSeq: 7 })).toEqual([7, 8, 9]);
    expect(await seqs({ fromSeq: 9, limit: 5 })).toEqual([9]);
    expect(await seqs({ fromSeq: 0, limit: 1 })).toEqual([1]);
    expect(await seqs({ fromSeq: 2, limit: 0 })).toEqual([]);
    expect(await seqs({ fromSeq: 10 })).toEqual([]);
    const [entry] = await store.readEvents('r', { fromSeq: 7, limit: 1 });
    expect(entry).toEqual({ runId: 'r', seq: 7, event: events.stepStarted('r', 's7') });
    expect((await store.getRun('r'))?.lastSeq).toBe(9);
    await expectStoreError(store.readEvents('r', { limit: -1 }), 'invalid-input');
    await expectStoreError(store.readEvents('r', { fromSeq: 1.5 }), 'invalid-input');
  });

  it('creates a run with its first append, in the same commit', async () => {
    const { store } = await subject();
    const create = { id: 'new', flow, input: { x: 1 }, parentRunId: 'p', parentStepId: 's' };
    const ranges = await store.appendEvents([
      { runId: 'new', events: [events.runStarted('new')], expectedSeq: 0, create },
    ]);
    expect(ranges).toEqual([{ runId: 'new', firstSeq: 1, lastSeq: 1 }]);
    expect(await store.getRun('new')).toMatchObject({
      id: 'new',
      flowId: blobIdOf(flow),
      flowName: 'journal-range',
      input: { x: 1 },
      status: 'running',
      parentRunId: 'p',
      parentStepId: 's',
      lastSeq: 1,
    });
    expect((await store.readEvents('new')).map((e) => e.event)).toEqual([events.runStarted('new')]);
    // By flow id, and finished in the same group.
    const done = { outcome: 'success' as const, result: 1 };
    await store.appendEvents([
      {
        runId: 'quick',
        events: [events.runStarted('quick'), events.runCompleted('quick')],
        status: 'completed',
        result: done,
        create: { id: 'quick', flowId: blobIdOf(flow), input: null },
      },
    ]);
    expect(await store.getRun('quick')).toMatchObject({
      flowName: 'journal-range',
      status: 'completed',
      result: done,
      lastSeq: 2,
    });
  });

  it('appends to a run that exists already as it is, despite create', async () => {
    const { store } = await subject();
    await store.createRun({ id: 'r', flow, input: 'original' });
    const create = { id: 'r', flow: flowNamed('other'), input: 'other' };
    await store.appendEvents([{ runId: 'r', events: [events.runStarted('r')], create }]);
    expect(await store.getRun('r')).toMatchObject({
      input: 'original',
      flowName: 'journal-range',
      lastSeq: 1,
    });
    await expectStoreError(
      store.appendEvents([
        { runId: 'r', events: [events.runStarted('r')], expectedSeq: 0, create },
      ]),
      'sequence-conflict',
    );
    expect((await store.readEvents('r')).length).toBe(1);
  });

  it('writes nothing of a group whose create is refused', async () => {
    const { store } = await subject();
    await store.createRun({ id: 'a', flow, input: null });
    const good = { runId: 'a', events: [events.runStarted('a')] };
    const bad: [unknown, string][] = [
      [{ id: 'other', flow, input: null }, 'invalid-input'],
      [{ id: 'b', flowId: 'f'.repeat(64), input: null }, 'flow-not-found'],
      [{ id: 'b', flow, input: 1n }, 'invalid-input'],
    ];
    for (const [create, code] of bad) {
      await expectStoreError(
        store.appendEvents([
          good,
          { runId: 'b', events: [events.runStarted('b')], create } as never,
        ]),
        code as never,
      );
      expect(await store.readEvents('a')).toEqual([]);
      expect(await store.getRun('b')).toBeUndefined();
    }
    await expectStoreError(
      store.appendEvents([
        { runId: 'b', events: [events.runStarted('b')], create: { id: 'b', flow, input: null } },
        { runId: 'a', events: [events.runStarted('a')], expectedSeq: 3 },
      ]),
      'sequence-conflict',
    );
    expect(await store.getRun('b')).toBeUndefined();
  });
}
