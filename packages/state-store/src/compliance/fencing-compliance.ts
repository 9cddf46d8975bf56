import { expect, it } from 'vitest';
import { events, expectStoreError, flowNamed, type SubjectSource } from './compliance-context.ts';

/** Lease epochs and fenced journal appends: a runtime that lost its run cannot write to it. */
export function fencingCompliance(subject: SubjectSource): void {
  it('counts lease epochs: a renewal keeps it, every new take bumps it, a release keeps count', async () => {
    const { store, clock } = await subject();
    await store.createRun({ id: 'r', flow: flowNamed('e'), input: null });
    expect(await store.acquireLease('r', 'w1', 1000)).toMatchObject({ owner: 'w1', epoch: 1 });
    expect(await store.acquireLease('r', 'w1', 1000)).toMatchObject({ epoch: 1 });
    expect(await store.renewLease('r', 'w1', 1000)).toMatchObject({ epoch: 1 });
    expect(await store.releaseLease('r', 'w1')).toBe(true);
    expect(await store.acquireLease('r', 'w1', 1000)).toMatchObject({ epoch: 2 });
    clock.advance(1000);
    // Lapsed: even its old owner takes it anew, so a stale writer of epoch 2 is fenced off.
    expect(await store.acquireLease('r', 'w1', 1000)).toMatchObject({ epoch: 3 });
    clock.advance(1000);
    expect(await store.acquireLease('r', 'w2', 1000)).toMatchObject({ owner: 'w2', epoch: 4 });
    clock.advance(1000);
    expect(await store.claimRuns('w3', 1000)).toMatchObject([{ id: 'r', leaseOwner: 'w3' }]);
    expect(await store.getLease('r')).toMatchObject({ owner: 'w3', epoch: 5 });
    await store.releaseLeases('w3');
    expect(await store.getLease('r')).toBeUndefined();
    expect(await store.acquireLease('r', 'w3', 1000)).toMatchObject({ epoch: 6 });
  });

  it('accepts an append fenced by the current lease and refuses any other, whole group', async () => {
    const { store } = await subject();
    await store.createRun({ id: 'r', flow: flowNamed('e'), input: null });
    await store.createRun({ id: 'other', flow: flowNamed('e'), input: null });
    const lease = (await store.acquireLease('r', 'w1', 1000))!;
    const fence = { owner: 'w1', epoch: lease.epoch };
    expect(
      await store.appendEvents([{ runId: 'r', events: [events.runStarted('r')], fence }]),
    ).toEqual([{ runId: 'r', firstSeq: 1, lastSeq: 1 }]);
    const stale = await expectStoreError(
      store.appendEvents([
        { runId: 'other', events: [events.runStarted('other')] },
        { runId: 'r', events: [events.stepStarted('r', 's')], fence: { ...fence, epoch: 0 } },
      ]),
      'lease-lost',
    );
    expect(stale.message).toContain('Run r');
    expect(stale.message).toContain('owner w1, epoch 0');
    expect(stale.message).toContain('w1 holds it at epoch 1');
    await expectStoreError(
      store.appendEvents([{ runId: 'r', events: [], fence: { owner: 'w2', epoch: 1 } }]),
      'lease-lost',
    );
    expect((await store.getRun('other'))?.lastSeq).toBe(0);
    expect((await store.getRun('r'))?.lastSeq).toBe(1);
    // A final status drops the lease: a later fenced append of the same group is refused.
    await expectStoreError(
      store.appendEvents([
        { runId: 'r', events: [], status: 'completed', fence },
        { runId: 'r', events: [events.stepStarted('r', 's')], fence },
      ]),
      'lease-lost',
    );
    expect(await store.getRun('r')).toMatchObject({ status: 'running', lastSeq: 1 });
    await store.releaseLease('r', 'w1');
    const released = await expectStoreError(
      store.appendEvents([{ runId: 'r', events: [events.stepStarted('r', 's')], fence }]),
      'lease-lost',
    );
    expect(released.message).toContain('no lease holder');
    await expectStoreError(
      store.appendEvents([{ runId: 'r', events: [], fence: { owner: '', epoch: 1 } }]),
      'invalid-input',
    );
    await expectStoreError(
      store.appendEvents([{ runId: 'r', events: [], fence: { owner: 'w1', epoch: -1 } }]),
      'invalid-input',
    );
  });

  it('fences off a paused writer whose lapsed lease another owner claimed', async () => {
    const { store, clock } = await subject();
    await store.createRun({ id: 'r', flow: flowNamed('e'), input: null });
    const [claimed] = await store.claimRuns('w1', 1000);
    expect(claimed).toMatchObject({ id: 'r', leaseOwner: 'w1' });
    const fence = { owner: 'w1', epoch: (await store.getLease('r'))!.epoch };
    await store.appendEvents([{ runId: 'r', events: [events.runStarted('r')], fence }]);
    clock.advance(999);
    expect(await store.claimRuns('w2', 1000)).toEqual([]);
    clock.advance(1);
    // Lapsed but not taken: still the writer's (expiry alone fails nothing).
    expect((await store.getRun('r'))?.leaseOwner).toBeUndefined();
    await store.appendEvents([
      { runId: 'r', events: [events.stepStarted('r', 's')], fence, expectedSeq: 1 },
    ]);
    const [taken] = await store.claimRuns('w2', 1000);
    expect(taken).toMatchObject({ id: 'r', leaseOwner: 'w2', lastSeq: 2 });
    const lease = (await store.getLease('r'))!;
    expect(lease).toMatchObject({ owner: 'w2', epoch: fence.epoch + 1 });
    // The paused writer wakes up and tries to record its step: refused, nothing written.
    const error = await expectStoreError(
      store.appendEvents([
        { runId: 'r', events: [events.stepCompleted('r', 's')], fence, expectedSeq: 2 },
      ]),
      'lease-lost',
    );
    expect(error.message).toContain(`w2 holds it at epoch ${lease.epoch}`);
    expect((await store.readEvents('r')).map((entry) => entry.event.type)).toEqual([
      'runStarted',
      'stepStarted',
    ]);
    expect(await store.renewLease('r', 'w1', 1000)).toBeUndefined();
    expect(await store.renewLeases('w1', 1000)).toEqual([]);
    await store.appendEvents([
      {
        runId: 'r',
        events: [events.stepCompleted('r', 's')],
        fence: { owner: 'w2', epoch: lease.epoch },
        expectedSeq: 2,
      },
    ]);
    expect((await store.getRun('r'))?.lastSeq).toBe(3);
  });

  it('renews every live lease of an owner at once, and only those', async () => {
    const { store, clock } = await subject();
    for (const id of ['r1', 'r2', 'r3', 'r4']) {
      await store.createRun({ id, flow: flowNamed('e'), input: null });
    }
    await store.acquireLease('r1', 'w1', 1000);
    await store.acquireLease('r3', 'w1', 100);
    await store.acquireLease('r2', 'w1', 1000);
    await store.acquireLease('r4', 'w2', 1000);
    clock.advance(100);
    const start = clock.now();
    expect(await store.renewLeases('w1', 5000)).toEqual(['r1', 'r2']);
    expect(await store.getLease('r1')).toMatchObject({ expiresAt: start + 5000, epoch: 1 });
    expect(await store.getLease('r3')).toMatchObject({ owner: 'w1', expiresAt: start });
    expect(await store.getLease('r4')).toMatchObject({ expiresAt: start + 900 });
    expect(await store.renewLeases('nobody', 5000)).toEqual([]);
    await expectStoreError(store.renewLeases('', 1000), 'invalid-input');
    await expectStoreError(store.renewLeases('w1', 0), 'invalid-input');
  });

  it('releases every lease of an owner (a drain), live or lapsed', async () => {
    const { store, clock } = await subject();
    for (const id of ['r1', 'r2', 'r3']) {
      await store.createRun({ id, flow: flowNamed('e'), input: null });
    }
    await store.acquireLease('r2', 'w1', 100);
    await store.acquireLease('r1', 'w1', 1000);
    await store.acquireLease('r3', 'w2', 1000);
    clock.advance(100);
    expect(await store.releaseLeases('w1')).toEqual(['r1', 'r2']);
    expect(await store.getLease('r1')).toBeUndefined();
    expect(await store.getLease('r3')).toMatchObject({ owner: 'w2' });
    expect(await store.releaseLeases('w1')).toEqual([]);
    expect(await store.acquireLease('r1', 'w2', 1000)).toMatchObject({ epoch: 2 });
    await expectStoreError(store.releaseLeases(''), 'invalid-input');
  });

  it('shows who holds a run until the lease lapses or is released', async () => {
    const { store, clock } = await subject();
    await store.createRun({ id: 'r', flow: flowNamed('e'), input: null });
    expect((await store.getRun('r'))?.leaseOwner).toBeUndefined();
    await store.acquireLease('r', 'w1', 1000);
    expect((await store.getRun('r'))?.leaseOwner).toBe('w1');
    expect((await store.listRuns())[0]?.leaseOwner).toBe('w1');
    clock.advance(999);
    expect((await store.listRuns({ status: 'running' }))[0]?.leaseOwner).toBe('w1');
    clock.advance(1);
    expect(await store.getRun('r')).not.toHaveProperty('leaseOwner');
    expect((await store.listRuns())[0]).not.toHaveProperty('leaseOwner');
    await store.acquireLease('r', 'w2', 1000);
    expect((await store.getRun('r'))?.leaseOwner).toBe('w2');
    await store.releaseLease('r', 'w2');
    expect(await store.getRun('r')).not.toHaveProperty('leaseOwner');
  });
}
