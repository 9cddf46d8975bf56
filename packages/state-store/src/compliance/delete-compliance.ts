import { expect, it } from 'vitest';
import { blobIdOf } from '@stepflow/blob-store';
import { events, expectStoreError, flowNamed, type SubjectSource } from './compliance-context.ts';

const flow = flowNamed('deleted');

/** `deleteRun`: only finished runs, with their journal, questions, lease and nested runs. */
export function deleteCompliance(subject: SubjectSource): void {
  it('deletes a finished run with its journal, questions and nested runs; the flow stays', async () => {
    const { store } = await subject();
    await store.createRun({ id: 'parent', flow, input: { a: 1 } });
    await store.createRun({ id: 'child', flow, input: null, parentRunId: 'parent' });
    await store.createRun({ id: 'grandchild', flow, input: null, parentRunId: 'child' });
    await store.createRun({ id: 'other', flow, input: null });
    await store.appendEvents([
      { runId: 'parent', events: [events.runStarted('parent'), events.stepStarted('parent', 's')] },
      { runId: 'child', events: [events.runStarted('child')] },
      { runId: 'other', events: [events.runStarted('other')] },
    ]);
    await store.createPendingAnswer({ runId: 'parent', stepId: 's', prompt: 'ok?' });
    await store.createPendingAnswer({ runId: 'other', stepId: 's', prompt: 'ok?' });
    for (const id of ['grandchild', 'child', 'parent', 'other'])
      await store.updateRunStatus(id, 'completed');

    expect(await store.deleteRun('parent')).toEqual(['parent', 'child', 'grandchild']);
    for (const id of ['parent', 'child', 'grandchild']) {
      expect(await store.getRun(id)).toBeUndefined();
      expect(await store.getLease(id)).toBeUndefined();
      await expectStoreError(store.readEvents(id), 'run-not-found');
    }
    expect(await store.getPendingAnswer('parent', 's')).toBeUndefined();
    expect((await store.listPendingAnswers()).map((a) => a.runId)).toEqual(['other']);
    expect((await store.listRuns()).map((r) => r.id)).toEqual(['other']);
    expect(await store.readEvents('other')).toHaveLength(1);
    expect(await store.has(blobIdOf(flow))).toBe(true);
    await expectStoreError(store.deleteRun('parent'), 'run-not-found');
    // The id is free again.
    await store.createRun({ id: 'parent', flow, input: null });
  });

  it('refuses an unfinished run, an unfinished nested run and a run of a running batch', async () => {
    const { store } = await subject();
    await store.createRun({ id: 'live', flow, input: null });
    await expectStoreError(store.deleteRun('live'), 'status-conflict');
    await store.createRun({ id: 'paused', flow, input: null, status: 'paused' });
    await expectStoreError(store.deleteRun('paused'), 'status-conflict');

    await store.createRun({ id: 'p', flow, input: null });
    await store.createRun({ id: 'c', flow, input: null, parentRunId: 'p' });
    await store.updateRunStatus('p', 'failed');
    const error = await expectStoreError(store.deleteRun('p'), 'status-conflict');
    expect(error.message).toMatch(/nested run c/);
    expect(await store.getRun('p')).toBeDefined();

    await store.createBatch({
      id: 'b',
      flow,
      runs: [
        { id: 'b0', input: 0 },
        { id: 'b1', input: 1 },
      ],
    });
    await store.updateRunStatus('b0', 'completed');
    await expectStoreError(store.deleteRun('b0'), 'status-conflict');
    await store.updateRunStatus('b1', 'cancelled');
    await store.updateBatchStatus('b', 'completed');
    expect(await store.deleteRun('b0')).toEqual(['b0']);
    expect((await store.listBatchRuns('b')).map((r) => r.id)).toEqual(['b1']);
    expect(await store.getBatch('b')).toMatchObject({ total: 2, status: 'completed' });
    await expectStoreError(store.deleteRun('nope'), 'run-not-found');
  });
}
