import { expect, it } from 'vitest';
import { expectStoreError, flowNamed, type SubjectSource } from './compliance-context.ts';

/** Leases for scale-out, driven by the injected clock. */
export function leaseCompliance(subject: SubjectSource): void {
  it('grants a lease to one owner until it lapses', async () => {
    const { store, clock } = await subject();
    await store.createRun({ id: 'r', flow: flowNamed('l'), input: null });
    const start = clock.now();
    const lease = await store.acquireLease('r', 'w1', 1000);
    expect(lease).toEqual({
      runId: 'r',
      owner: 'w1',
      acquiredAt: start,
      expiresAt: start + 1000,
      epoch: 1,
    });
    expect(await store.getLease('r')).toEqual(lease);
    expect(await store.acquireLease('r', 'w2', 1000)).toBeUndefined();
    clock.advance(400);
    expect(await store.acquireLease('r', 'w1', 1000)).toEqual({
      ...lease,
      expiresAt: start + 1400,
    });
    expect(await store.renewLease('r', 'w1', 2000)).toMatchObject({ expiresAt: start + 2400 });
    expect(await store.renewLease('r', 'w2', 2000)).toBeUndefined();
    clock.advance(1999);
    expect(await store.acquireLease('r', 'w2', 1000)).toBeUndefined();
    clock.advance(1);
    expect(await store.renewLease('r', 'w1', 1000)).toBeUndefined();
    const taken = await store.acquireLease('r', 'w2', 1000);
    expect(taken).toMatchObject({ owner: 'w2', acquiredAt: clock.now() });
    expect(await store.releaseLease('r', 'w1')).toBe(false);
    expect(await store.releaseLease('r', 'w2')).toBe(true);
    expect(await store.getLease('r')).toBeUndefined();
    expect(await store.acquireLease('r', 'w1', 10)).toMatchObject({ owner: 'w1' });
  });

  it('lists and claims running runs without a live lease, never twice', async () => {
    const { store, clock } = await subject();
    for (let i = 0; i < 10; i++) {
      await store.createRun({ id: `r${i}`, flow: flowNamed('l'), input: i });
    }
    await store.updateRunStatus('r8', 'paused');
    await store.updateRunStatus('r9', 'completed');
    await store.acquireLease('r0', 'old', 100);
    const ids = (runs: { id: string }[]) => runs.map((r) => r.id);
    expect(ids(await store.listUnleasedRuns())).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
    expect(ids(await store.listUnleasedRuns({ status: 'paused' }))).toEqual(['r8']);
    const [a, b, c] = await Promise.all([
      store.claimRuns('a', 1000, { limit: 3 }),
      store.claimRuns('b', 1000, { limit: 3 }),
      store.claimRuns('c', 1000, { limit: 3 }),
    ]);
    const claimed = [...ids(a), ...ids(b), ...ids(c)];
    expect(claimed.sort()).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
    expect((await store.getLease('r1'))?.expiresAt).toBe(clock.now() + 1000);
    expect(await store.claimRuns('d', 1000)).toEqual([]);
    clock.advance(100);
    expect(ids(await store.claimRuns('d', 1000))).toEqual(['r0']);
    clock.advance(1000);
    expect(ids(await store.listUnleasedRuns({ limit: 2 }))).toEqual(['r0', 'r1']);
  });

  it('drops the lease when the run reaches a final status', async () => {
    const { store } = await subject();
    await store.createRun({ id: 'r', flow: flowNamed('l'), input: null });
    await store.acquireLease('r', 'w', 1000);
    await store.updateRunStatus('r', 'cancelled');
    expect(await store.getLease('r')).toBeUndefined();
  });

  it('refuses bad lease arguments and unknown runs', async () => {
    const { store } = await subject();
    await expectStoreError(store.acquireLease('ghost', 'w', 1000), 'run-not-found');
    await store.createRun({ id: 'r', flow: flowNamed('l'), input: null });
    await expectStoreError(store.acquireLease('r', '', 1000), 'invalid-input');
    await expectStoreError(store.acquireLease('r', 'w', 0), 'invalid-input');
    await expectStoreError(store.renewLease('r', 'w', Number.NaN), 'invalid-input');
    await expectStoreError(store.claimRuns('w', -5), 'invalid-input');
  });
}
