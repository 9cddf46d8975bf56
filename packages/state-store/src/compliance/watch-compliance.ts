import { expect, it } from 'vitest';
import type { StoreNotice } from '../lease-store.ts';
import type { StateStore } from '../state-store.ts';
import { events, expectStoreError, flowNamed, type SubjectSource } from './compliance-context.ts';

/** Records a store's notices; `next(match)` resolves with the first later notice that matches. */
export async function watchNotices(store: StateStore) {
  const waiters: { match: (notice: StoreNotice) => boolean; resolve: (n: StoreNotice) => void }[] =
    [];
  const watch = await store.watch!((notice) => {
    for (const waiter of [...waiters]) {
      if (!waiter.match(notice)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(notice);
    }
  });
  return {
    watch,
    next: (match: (notice: StoreNotice) => boolean): Promise<StoreNotice> =>
      new Promise((resolve) => waiters.push({ match, resolve })),
  };
}

const isWork = (notice: StoreNotice): boolean => notice.type === 'work';

/** Change notices (where a store offers `watch`): work to claim, journals that grew. */
export function watchCompliance(subject: SubjectSource): void {
  it('notifies work for new runs, batches, releases and resumes', async (context) => {
    const { store } = await subject();
    if (!store.watch) return context.skip();
    const { watch, next } = await watchNotices(store);
    let work = next(isWork);
    await store.createRun({ id: 'r', flow: flowNamed('w'), input: null });
    expect(await work).toEqual({ type: 'work' });
    work = next(isWork);
    await store.createBatch({ id: 'b', flow: flowNamed('w'), runs: [{ id: 'b0', input: 0 }] });
    await work;
    await store.acquireLease('r', 'w1', 1000);
    work = next(isWork);
    await store.releaseLease('r', 'w1');
    await work;
    await store.acquireLease('r', 'w1', 1000);
    work = next(isWork);
    expect(await store.releaseLeases('w1')).toEqual(['r']);
    await work;
    await store.updateRunStatus('r', 'paused');
    work = next(isWork);
    await store.updateRunStatus('r', 'running');
    await work;
    await watch.close();
    await watch.close();
  });

  it('notifies each run of an append group with its last sequence number', async (context) => {
    const { store } = await subject();
    if (!store.watch) return context.skip();
    await store.createRun({ id: 'r1', flow: flowNamed('w'), input: null });
    await store.createRun({ id: 'r2', flow: flowNamed('w'), input: null });
    const thrower = await store.watch(() => {
      throw new Error('a listener that fails');
    });
    const { watch, next } = await watchNotices(store);
    const r1 = next((n) => n.type === 'events' && n.runId === 'r1');
    const r2 = next((n) => n.type === 'events' && n.runId === 'r2');
    const ranges = await store.appendEvents([
      { runId: 'r1', events: [events.runStarted('r1')] },
      { runId: 'r2', events: [events.runStarted('r2'), events.stepStarted('r2', 's')] },
      { runId: 'r1', events: [events.stepStarted('r1', 's')] },
    ]);
    expect(ranges.map((range) => range.lastSeq)).toEqual([1, 2, 2]);
    expect(await r1).toEqual({ type: 'events', runId: 'r1', lastSeq: 2 });
    expect(await r2).toEqual({ type: 'events', runId: 'r2', lastSeq: 2 });
    await thrower.close();
    await watch.close();
  });

  it('refuses to watch a closed store', async (context) => {
    const { store } = await subject();
    if (!store.watch) return context.skip();
    await store.close();
    await expectStoreError(
      store.watch(() => undefined),
      'store-closed',
    );
  });
}
