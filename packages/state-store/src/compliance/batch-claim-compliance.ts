import { expect, it } from 'vitest';
import { flowNamed, type SubjectSource } from './compliance-context.ts';

const ids = (runs: readonly { id: string }[]): string[] => runs.map((run) => run.id);

/** `claimRuns` honours batches across owners: `maxConcurrency` live leases, none when cancelled. */
export function batchClaimCompliance(subject: SubjectSource): void {
  it('never leases more runs of a batch than its maxConcurrency, across owners', async () => {
    const { store, clock } = await subject();
    const runs = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, input: i }));
    await store.createBatch({
      id: 'b',
      flow: flowNamed('c'),
      maxConcurrency: 2,
      runs: runs('b', 5),
    });
    await store.createBatch({ id: 'c', flow: flowNamed('c'), runs: runs('c', 2) });
    await store.createRun({ id: 'x', flow: flowNamed('c'), input: null });
    expect(ids(await store.claimRuns('w1', 1000, { limit: 2 }))).toEqual(['b0', 'b1']);
    // The full batch is passed over, not a wall: later runs are still claimed.
    expect(ids(await store.claimRuns('w2', 1000, { limit: 1 }))).toEqual(['c0']);
    expect(ids(await store.claimRuns('w2', 1000))).toEqual(['c1', 'x']);
    expect(await store.claimRuns('w3', 1000)).toEqual([]);
    await store.updateRunStatus('b0', 'completed');
    expect(ids(await store.claimRuns('w3', 1000))).toEqual(['b2']);
    // A lapsed lease frees its place; a live one of any owner counts.
    clock.advance(1000);
    await store.acquireLease('b1', 'w1', 1000);
    expect(ids(await store.claimRuns('w2', 1000))).toEqual(['b2', 'c0', 'c1', 'x']);
    expect(await store.countRuns({ batchId: 'b' })).toBe(5);
    const live = (await store.listBatchRuns('b')).filter((run) => run.leaseOwner !== undefined);
    expect(ids(live)).toEqual(['b1', 'b2']);
  });

  it('splits a batch between concurrent claimers without exceeding its limit', async () => {
    const { store } = await subject();
    const runs = Array.from({ length: 20 }, (_, i) => ({
      id: `r${String(i).padStart(2, '0')}`,
      input: i,
    }));
    await store.createBatch({ id: 'b', flow: flowNamed('c'), maxConcurrency: 5, runs });
    const claims = await Promise.all(
      ['a', 'b', 'c', 'd'].map((owner) => store.claimRuns(owner, 1000, { limit: 3 })),
    );
    const claimed = claims.flatMap(ids);
    expect(claimed.length).toBe(5);
    expect(new Set(claimed).size).toBe(5);
  });

  it('claims no run of a cancelled batch', async () => {
    const { store } = await subject();
    await store.createBatch({
      id: 'b',
      flow: flowNamed('c'),
      runs: [
        { id: 'b0', input: 0 },
        { id: 'b1', input: 1 },
      ],
    });
    await store.createRun({ id: 'x', flow: flowNamed('c'), input: null });
    await store.updateBatchStatus('b', 'cancelled');
    expect(ids(await store.claimRuns('w', 1000))).toEqual(['x']);
    expect(ids(await store.listUnleasedRuns())).toEqual(['b0', 'b1']);
  });
}
