import { expect, it } from 'vitest';
import { blobIdOf } from '@stepflow/blob-store';
import { expectStoreError, flowNamed, type SubjectSource } from './compliance-context.ts';

/** Run records: creation, flows stored once, lookups, filters, paging, status changes. */
export function runCompliance(subject: SubjectSource): void {
  it('creates a run, storing its flow once as a flow blob', async () => {
    const { store, clock } = await subject();
    const flow = flowNamed('greet');
    const run = await store.createRun({ id: 'r1', flow, input: { name: 'Ada' } });
    expect(run).toEqual({
      id: 'r1',
      flowId: blobIdOf(flow),
      flowName: 'greet',
      input: { name: 'Ada' },
      status: 'running',
      createdAt: clock.now(),
      updatedAt: clock.now(),
      lastSeq: 0,
    });
    expect(await store.getRun('r1')).toEqual(run);
    expect(await store.get(run.flowId)).toEqual({ id: run.flowId, data: flow, blobType: 'flow' });
    const second = await store.createRun({ id: 'r2', flowId: run.flowId, input: 2 });
    expect(second.flowId).toBe(run.flowId);
    expect(second.flowName).toBe('greet');
    expect(await store.getRun('missing')).toBeUndefined();
  });

  it('records parent links and an initial paused status', async () => {
    const { store } = await subject();
    await store.createRun({ id: 'parent', flow: flowNamed('p'), input: null });
    const child = await store.createRun({
      id: 'child',
      flow: { steps: [] },
      flowName: 'explicit',
      input: [1],
      parentRunId: 'parent',
      parentStepId: 'map',
      status: 'paused',
    });
    expect(child).toMatchObject({
      parentRunId: 'parent',
      parentStepId: 'map',
      status: 'paused',
      flowName: 'explicit',
    });
  });

  it('refuses a taken id, an unknown flow id and malformed runs, writing nothing', async () => {
    const { store } = await subject();
    await store.createRun({ id: 'r1', flow: flowNamed('a'), input: 'first' });
    await expectStoreError(
      store.createRun({ id: 'r1', flow: flowNamed('b'), input: 1 }),
      'run-exists',
    );
    expect((await store.getRun('r1'))?.input).toBe('first');
    await expectStoreError(
      store.createRun({ id: 'r2', flowId: '0'.repeat(64), input: 1 }),
      'flow-not-found',
    );
    const bad = [
      { id: '', flow: {}, input: 1 },
      { id: 'x', input: 1 },
      { id: 'x', flow: {}, flowId: '0'.repeat(64), input: 1 },
      { id: 'x', flowId: 'not-a-blob-id', input: 1 },
      { id: 'x', flow: {}, input: undefined },
      { id: 'x', flow: {}, input: 1n },
      { id: 'x', flow: {}, input: 1, status: 'completed' },
    ];
    for (const run of bad) {
      const error = await expectStoreError(store.createRun(run as never), 'invalid-input');
      expect(error.message).toMatch(/createRun/);
    }
    expect(await store.countRuns()).toBe(1);
  });

  it('lists runs by creation with filters, paging and counts', async () => {
    const { store, clock } = await subject();
    const a = flowNamed('alpha');
    for (let i = 0; i < 7; i++) {
      await store.createRun({
        id: `a${i}`,
        flow: a,
        input: i,
        ...(i >= 5 && { parentRunId: 'a0' }),
      });
      clock.advance(i % 2); // equal timestamps must still list in insertion order
    }
    await store.createRun({ id: 'b0', flow: flowNamed('beta'), input: null });
    await store.updateRunStatus('a1', 'completed', { result: { outcome: 'success', result: 1 } });
    await store.updateRunStatus('a2', 'failed');
    await store.updateRunStatus('a3', 'paused');

    const ids = async (options: Parameters<typeof store.listRuns>[0]) =>
      (await store.listRuns(options)).map((run) => run.id);
    expect(await ids({})).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'b0']);
    expect(await ids({ order: 'desc', limit: 3 })).toEqual(['b0', 'a6', 'a5']);
    expect(await ids({ limit: 3, offset: 3 })).toEqual(['a3', 'a4', 'a5']);
    expect(await ids({ offset: 100 })).toEqual([]);
    expect(await ids({ status: 'running' })).toEqual(['a0', 'a4', 'a5', 'a6', 'b0']);
    expect(await ids({ status: ['failed', 'paused'] })).toEqual(['a2', 'a3']);
    expect(await ids({ flowName: 'beta' })).toEqual(['b0']);
    expect(await ids({ flowId: blobIdOf(a), status: 'running', limit: 2 })).toEqual(['a0', 'a4']);
    expect(await ids({ parentRunId: 'a0' })).toEqual(['a5', 'a6']);
    expect(await ids({ flowName: 'nobody' })).toEqual([]);
    expect(await store.countRuns()).toBe(8);
    expect(await store.countRuns({ flowName: 'alpha', status: 'running' })).toBe(4);
    expect(await store.countRunsByStatus()).toEqual({
      running: 5,
      paused: 1,
      completed: 1,
      failed: 1,
      cancelled: 0,
    });
    await expectStoreError(store.listRuns({ limit: -1 }), 'invalid-input');
    await expectStoreError(store.listRuns({ limit: 10_001 }), 'invalid-input');
    await expectStoreError(store.listRuns({ status: 'done' as never }), 'invalid-input');
  });

  it('changes status, records results and never leaves a final status', async () => {
    const { store, clock } = await subject();
    const created = await store.createRun({ id: 'r', flow: flowNamed('f'), input: null });
    clock.advance(10);
    const paused = await store.updateRunStatus('r', 'paused', { wakeAt: clock.now() + 500 });
    expect(paused).toMatchObject({ status: 'paused', wakeAt: created.createdAt + 510 });
    expect(paused.updatedAt).toBe(created.createdAt + 10);
    expect((await store.listRuns({ wakeAtOrBefore: clock.now() })).length).toBe(0);
    expect((await store.listRuns({ wakeAtOrBefore: clock.now() + 500 })).map((r) => r.id)).toEqual([
      'r',
    ]);
    await expectStoreError(
      store.updateRunStatus('r', 'running', { expectedStatus: 'running' }),
      'status-conflict',
    );
    const resumed = await store.updateRunStatus('r', 'running', {
      expectedStatus: ['paused'],
      wakeAt: null,
    });
    expect(resumed.wakeAt).toBeUndefined();
    clock.advance(5);
    const result = { outcome: 'failed' as const, error: { code: 500, message: 'boom' } };
    const done = await store.updateRunStatus('r', 'failed', { result });
    expect(done).toMatchObject({ status: 'failed', result, completedAt: clock.now() });
    await expectStoreError(store.updateRunStatus('r', 'running'), 'status-conflict');
    await expectStoreError(store.updateRunStatus('r', 'cancelled'), 'status-conflict');
    expect((await store.getRun('r'))?.result).toEqual(result);
    await expectStoreError(store.updateRunStatus('nope', 'failed'), 'run-not-found');
    await store.createRun({ id: 'q', flow: flowNamed('f'), input: null });
    await expectStoreError(store.updateRunStatus('q', 'weird' as never), 'invalid-input');
    await expectStoreError(
      store.updateRunStatus('q', 'completed', { result: { outcome: 'maybe' } as never }),
      'invalid-input',
    );
    expect((await store.getRun('q'))?.status).toBe('running');
  });
}
