import { expect, it } from 'vitest';
import type { RunEvent } from '@stepflow/protocol';
import { StateStoreError } from '../state-store-error.ts';
import { events, expectStoreError, flowNamed, type SubjectSource } from './compliance-context.ts';

const flow = flowNamed('journal');

/** The journal: ordering, group commit, concurrency, sequence conflicts, value fidelity. */
export function journalCompliance(subject: SubjectSource): void {
  it('appends and reads back in order with gap-free sequence numbers', async () => {
    const { store } = await subject();
    await store.createRun({ id: 'r', flow, input: null });
    const first = await store.appendEvents([
      { runId: 'r', events: [events.runStarted('r'), events.stepStarted('r', 's1')] },
    ]);
    expect(first).toEqual([{ runId: 'r', firstSeq: 1, lastSeq: 2 }]);
    const second = await store.appendEvents([
      { runId: 'r', events: [events.stepCompleted('r', 's1')], expectedSeq: 2 },
    ]);
    expect(second).toEqual([{ runId: 'r', firstSeq: 3, lastSeq: 3 }]);
    const entries = await store.readEvents('r');
    expect(entries.map((e) => [e.seq, e.event.type])).toEqual([
      [1, 'runStarted'],
      [2, 'stepStarted'],
      [3, 'stepCompleted'],
    ]);
    expect(entries[2]).toEqual({ runId: 'r', seq: 3, event: events.stepCompleted('r', 's1') });
    expect((await store.readEvents('r', { fromSeq: 2 })).map((e) => e.seq)).toEqual([2, 3]);
    expect((await store.readEvents('r', { fromSeq: 2, limit: 1 })).map((e) => e.seq)).toEqual([2]);
    expect(await store.readEvents('r', { fromSeq: 4 })).toEqual([]);
    expect((await store.getRun('r'))?.lastSeq).toBe(3);
    await expectStoreError(store.readEvents('nope'), 'run-not-found');
  });

  it('commits a group for several runs and a final status in one go', async () => {
    const { store } = await subject();
    await store.createRun({ id: 'a', flow, input: null });
    await store.createRun({ id: 'b', flow, input: null });
    const result = { outcome: 'success' as const, result: 'done' };
    const ranges = await store.appendEvents([
      { runId: 'a', events: [events.runStarted('a')] },
      {
        runId: 'b',
        events: [events.runStarted('b'), events.runCompleted('b')],
        status: 'completed',
        result,
      },
      { runId: 'a', events: [events.stepStarted('a', 's')], expectedSeq: 1 },
    ]);
    expect(ranges).toEqual([
      { runId: 'a', firstSeq: 1, lastSeq: 1 },
      { runId: 'b', firstSeq: 1, lastSeq: 2 },
      { runId: 'a', firstSeq: 2, lastSeq: 2 },
    ]);
    expect(await store.getRun('b')).toMatchObject({ status: 'completed', result, lastSeq: 2 });
    expect((await store.getRun('a'))?.status).toBe('running');
    const status = await store.appendEvents([{ runId: 'a', events: [], status: 'paused' }]);
    expect(status).toEqual([{ runId: 'a', firstSeq: 3, lastSeq: 2 }]);
    expect((await store.getRun('a'))?.status).toBe('paused');
  });

  it('writes nothing of a group when any part of it fails', async () => {
    const { store } = await subject();
    await store.createRun({ id: 'a', flow, input: null });
    await store.createRun({ id: 'b', flow, input: null });
    await store.appendEvents([{ runId: 'b', events: [events.runStarted('b')] }]);
    const good = { runId: 'a', events: [events.runStarted('a'), events.stepStarted('a', 's')] };
    const failing: [unknown, string][] = [
      [{ runId: 'b', events: [events.stepStarted('b', 's')], expectedSeq: 0 }, 'sequence-conflict'],
      [{ runId: 'ghost', events: [events.runStarted('ghost')] }, 'run-not-found'],
      [{ runId: 'b', events: [{ type: 'stepStarted', runId: 'b' }] }, 'invalid-input'],
      [{ runId: 'b', events: [events.runStarted('a')] }, 'invalid-input'],
      [{ runId: 'b', events: [{ ...events.runStarted('b'), input: 1n }] }, 'invalid-input'],
    ];
    for (const [bad, code] of failing) {
      await expectStoreError(store.appendEvents([good, bad as never]), code as never);
      expect(await store.readEvents('a')).toEqual([]);
      expect((await store.readEvents('b')).length).toBe(1);
    }
    await store.updateRunStatus('b', 'cancelled');
    await expectStoreError(
      store.appendEvents([good, { runId: 'b', events: [], status: 'running' }]),
      'status-conflict',
    );
    expect(await store.readEvents('a')).toEqual([]);
    expect((await store.getRun('a'))?.lastSeq).toBe(0);
  });

  it('serialises concurrent appends from many callers without gaps or interleaving', async () => {
    const { store } = await subject();
    await store.createRun({ id: 'r', flow, input: null });
    const writers = 40;
    const perWriter = 5;
    const ranges = await Promise.all(
      Array.from({ length: writers }, (_, writer) =>
        store.appendEvents([
          {
            runId: 'r',
            events: Array.from({ length: perWriter }, (_, i) =>
              events.stepStarted('r', `w${writer}`, i + 1),
            ),
          },
        ]),
      ),
    );
    const entries = await store.readEvents('r');
    expect(entries.map((e) => e.seq)).toEqual(
      Array.from({ length: writers * perWriter }, (_, i) => i + 1),
    );
    for (const [range] of ranges) {
      const slice = entries.slice(range!.firstSeq - 1, range!.lastSeq);
      const stepIds = new Set(slice.map((e) => (e.event as { stepId: string }).stepId));
      expect(stepIds.size).toBe(1);
      expect(slice.map((e) => (e.event as { attempt: number }).attempt)).toEqual([1, 2, 3, 4, 5]);
    }
  });

  it('lets exactly one of two writers with the same expectedSeq win', async () => {
    const { store } = await subject();
    await store.createRun({ id: 'r', flow, input: null });
    await store.appendEvents([{ runId: 'r', events: [events.runStarted('r')] }]);
    const attempts = await Promise.allSettled(
      ['x', 'y', 'z'].map((step) =>
        store.appendEvents([
          { runId: 'r', events: [events.stepStarted('r', step)], expectedSeq: 1 },
        ]),
      ),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled').length).toBe(1);
    for (const attempt of attempts) {
      if (attempt.status === 'rejected') {
        expect(StateStoreError.isInstance(attempt.reason, 'sequence-conflict')).toBe(true);
      }
    }
    expect((await store.readEvents('r')).length).toBe(2);
    const error = await expectStoreError(
      store.appendEvents([{ runId: 'r', events: [], expectedSeq: 7 }]),
      'sequence-conflict',
    );
    expect(error.message).toContain('r');
  });

  it('keeps values exactly: unicode, key order, nesting and large payloads', async () => {
    const { store } = await subject();
    const big = 'x'.repeat(2_000_000);
    const input = {
      zeta: 'ünïcödé ✓ 日本語 🚀 \u0000 \u2028 "quoted" \\ back',
      alpha: [1, -0.5, 1e21, null, true, { nested: { deeper: [[]] } }],
      lone: '\ud800',
      big,
    };
    const id = 'rün-✓-🚀';
    await store.createRun({ id, flow: flowNamed('ünï'), input });
    const event = { ...events.stepStarted(id, 'stép ✓'), input } as RunEvent;
    await store.appendEvents([{ runId: id, events: [event] }]);
    const [entry] = await store.readEvents(id);
    expect(entry?.event).toEqual(event);
    expect(Object.keys((entry?.event as { input: object }).input)).toEqual([
      'zeta',
      'alpha',
      'lone',
      'big',
    ]);
    const run = await store.getRun(id);
    expect(run?.input).toEqual(input);
    expect(run?.flowName).toBe('ünï');
    const many = Array.from({ length: 1000 }, (_, i) => events.stepStarted(id, `s${i}`, 1, i));
    await store.appendEvents([{ runId: id, events: many }]);
    expect((await store.readEvents(id, { fromSeq: 2 })).map((e) => e.event)).toEqual(many);
  });

  it('is isolated from later mutation of what was appended or read', async () => {
    const { store } = await subject();
    await store.createRun({ id: 'r', flow, input: null });
    const event = events.stepStarted('r', 's', 1, { list: [1] }) as { input: { list: number[] } };
    await store.appendEvents([{ runId: 'r', events: [event as RunEvent] }]);
    event.input.list.push(2);
    const [read] = await store.readEvents('r');
    (read!.event as { input: { list: number[] } }).input.list.push(3);
    expect(((await store.readEvents('r'))[0]!.event as typeof event).input).toEqual({ list: [1] });
  });
}
