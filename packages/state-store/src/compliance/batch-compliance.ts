import { expect, it } from 'vitest';
import { blobIdOf } from '@stepflow/blob-store';
import { expectStoreError, flowNamed, type SubjectSource } from './compliance-context.ts';

/** Batches: created with their runs atomically, listed by index, counted by status. */
export function batchCompliance(subject: SubjectSource): void {
  it('creates a batch and its runs, listing them by index', async () => {
    const { store, clock } = await subject();
    const flow = flowNamed('batched');
    const runs = Array.from({ length: 25 }, (_, i) => ({ id: `run-${i}`, input: { i } }));
    const batch = await store.createBatch({ id: 'b1', flow, maxConcurrency: 4, runs });
    expect(batch).toEqual({
      id: 'b1',
      flowId: blobIdOf(flow),
      flowName: 'batched',
      total: 25,
      status: 'running',
      maxConcurrency: 4,
      createdAt: clock.now(),
      updatedAt: clock.now(),
    });
    expect(await store.getBatch('b1')).toEqual(batch);
    const listed = await store.listBatchRuns('b1', { limit: 10, offset: 10 });
    expect(listed.map((run) => [run.id, run.batchIndex, run.batchId])).toEqual(
      Array.from({ length: 10 }, (_, k) => [`run-${k + 10}`, k + 10, 'b1']),
    );
    expect(listed[0]).toMatchObject({ input: { i: 10 }, status: 'running', flowId: batch.flowId });
    await store.updateRunStatus('run-3', 'completed');
    await store.updateRunStatus('run-4', 'failed');
    expect(await store.countRunsByStatus({ batchId: 'b1' })).toEqual({
      running: 23,
      paused: 0,
      completed: 1,
      failed: 1,
      cancelled: 0,
    });
    expect(
      (await store.listBatchRuns('b1', { status: ['completed', 'failed'] })).map((r) => r.id),
    ).toEqual(['run-3', 'run-4']);
    expect((await store.listRuns({ batchId: 'b1' })).length).toBe(25);
    expect(await store.getBatch('nope')).toBeUndefined();
    await expectStoreError(store.listBatchRuns('nope'), 'batch-not-found');
  });

  it('refuses a taken batch id or run id, creating nothing', async () => {
    const { store } = await subject();
    await store.createRun({ id: 'taken', flow: flowNamed('x'), input: null });
    await store.createBatch({ id: 'b', flow: flowNamed('x'), runs: [{ id: 'r0', input: 0 }] });
    await expectStoreError(
      store.createBatch({ id: 'b', flow: flowNamed('x'), runs: [{ id: 'r9', input: 0 }] }),
      'batch-exists',
    );
    await expectStoreError(
      store.createBatch({
        id: 'c',
        flow: flowNamed('x'),
        runs: [
          { id: 'fresh', input: 0 },
          { id: 'taken', input: 1 },
        ],
      }),
      'run-exists',
    );
    expect(await store.getBatch('c')).toBeUndefined();
    expect(await store.getRun('fresh')).toBeUndefined();
    await expectStoreError(
      store.createBatch({
        id: 'd',
        flow: flowNamed('x'),
        runs: [
          { id: 'twice', input: 0 },
          { id: 'twice', input: 1 },
        ],
      }),
      'invalid-input',
    );
    await expectStoreError(
      store.createBatch({ id: 'e', flow: flowNamed('x'), maxConcurrency: 0, runs: [] }),
      'invalid-input',
    );
    expect(await store.countRuns()).toBe(2);
  });

  it('changes a batch status, keeping completed and cancelled batches so', async () => {
    const { store, clock } = await subject();
    await store.createBatch({ id: 'b', flow: flowNamed('x'), runs: [] });
    clock.advance(3);
    const cancelled = await store.updateBatchStatus('b', 'cancelled');
    expect(cancelled).toMatchObject({ status: 'cancelled', total: 0 });
    expect(cancelled.updatedAt).toBe(cancelled.createdAt + 3);
    await expectStoreError(store.updateBatchStatus('b', 'running'), 'status-conflict');
    await expectStoreError(store.updateBatchStatus('nope', 'completed'), 'batch-not-found');
    await expectStoreError(store.updateBatchStatus('b', 'paused' as never), 'invalid-input');
  });

  it('lists batches by creation, filtered by status and flow name, paged', async () => {
    const { store, clock } = await subject();
    for (const [index, name] of ['a', 'b', 'a', 'c'].entries()) {
      await store.createBatch({ id: `batch-${index}`, flow: flowNamed(name), runs: [] });
      if (index === 1) clock.advance(5);
    }
    await store.updateBatchStatus('batch-1', 'completed');
    await store.updateBatchStatus('batch-3', 'cancelled');
    const ids = async (options?: Parameters<typeof store.listBatches>[0]) =>
      (await store.listBatches(options)).map((batch) => batch.id);
    expect(await ids()).toEqual(['batch-0', 'batch-1', 'batch-2', 'batch-3']);
    expect(await ids({ order: 'desc' })).toEqual(['batch-3', 'batch-2', 'batch-1', 'batch-0']);
    expect(await ids({ status: 'running' })).toEqual(['batch-0', 'batch-2']);
    expect(await ids({ status: ['completed', 'cancelled'] })).toEqual(['batch-1', 'batch-3']);
    expect(await ids({ flowName: 'a' })).toEqual(['batch-0', 'batch-2']);
    expect(await ids({ flowId: blobIdOf(flowNamed('c')) })).toEqual(['batch-3']);
    expect(await ids({ limit: 2, offset: 1 })).toEqual(['batch-1', 'batch-2']);
    expect(await ids({ limit: 1, offset: 1, order: 'desc' })).toEqual(['batch-2']);
    expect(await ids({ flowName: 'zzz' })).toEqual([]);
    expect((await store.listBatches({ status: 'completed' }))[0]).toEqual(
      await store.getBatch('batch-1'),
    );
    await expectStoreError(store.listBatches({ limit: -1 }), 'invalid-input');
    await expectStoreError(store.listBatches({ status: 'paused' as never }), 'invalid-input');
  });
}
