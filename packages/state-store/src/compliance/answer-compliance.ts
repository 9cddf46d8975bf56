import { expect, it } from 'vitest';
import { expectStoreError, flowNamed, type SubjectSource } from './compliance-context.ts';

/** Questions to humans: idempotent creation, first-writer-wins answers, listing. */
export function answerCompliance(subject: SubjectSource): void {
  it('records a question once and keeps the first answer', async () => {
    const { store, clock } = await subject();
    await store.createRun({ id: 'r', flow: flowNamed('ask'), input: null });
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } } };
    const asked = await store.createPendingAnswer({
      runId: 'r',
      stepId: 'approve',
      prompt: 'Ship it? ✓',
      schema,
      expiresAt: clock.now() + 60_000,
    });
    expect(asked).toEqual({
      runId: 'r',
      stepId: 'approve',
      prompt: 'Ship it? ✓',
      schema,
      answered: false,
      createdAt: clock.now(),
      expiresAt: clock.now() + 60_000,
    });
    clock.advance(5);
    const again = await store.createPendingAnswer({
      runId: 'r',
      stepId: 'approve',
      prompt: 'other',
    });
    expect(again).toEqual(asked);

    const results = await Promise.all([
      store.submitAnswer('r', 'approve', { ok: true }, 'ada'),
      store.submitAnswer('r', 'approve', { ok: false }, 'bob'),
    ]);
    expect(results.map((r) => r.accepted).sort()).toEqual([false, true]);
    const winner = results.find((r) => r.accepted)!.record;
    expect(results[0].record).toEqual(winner);
    expect(results[1].record).toEqual(winner);
    expect(winner).toMatchObject({ answered: true, answeredAt: clock.now() });
    const late = await store.submitAnswer('r', 'approve', { ok: 'late' }, 'eve');
    expect(late).toEqual({ accepted: false, record: winner });
    expect(await store.getPendingAnswer('r', 'approve')).toEqual(winner);
    expect(await store.createPendingAnswer({ runId: 'r', stepId: 'approve', prompt: 'x' })).toEqual(
      winner,
    );
  });

  it('counts a null answer as answered and lists by run and state', async () => {
    const { store } = await subject();
    await store.createRun({ id: 'r1', flow: flowNamed('ask'), input: null });
    await store.createRun({ id: 'r2', flow: flowNamed('ask'), input: null });
    for (const [runId, stepId] of [
      ['r1', 'a'],
      ['r1', 'b'],
      ['r2', 'a'],
    ] as const) {
      await store.createPendingAnswer({ runId, stepId, prompt: `${runId}/${stepId}` });
    }
    const nullAnswer = await store.submitAnswer('r1', 'b', null);
    expect(nullAnswer.accepted).toBe(true);
    expect(nullAnswer.record).toMatchObject({ answered: true, answer: null });
    expect((await store.submitAnswer('r1', 'b', 'second')).accepted).toBe(false);
    const keys = (list: { runId: string; stepId: string }[]) =>
      list.map((p) => `${p.runId}/${p.stepId}`);
    expect(keys(await store.listPendingAnswers())).toEqual(['r1/a', 'r1/b', 'r2/a']);
    expect(keys(await store.listPendingAnswers({ answered: false }))).toEqual(['r1/a', 'r2/a']);
    expect(keys(await store.listPendingAnswers({ answered: true }))).toEqual(['r1/b']);
    expect(keys(await store.listPendingAnswers({ runId: 'r1', limit: 1, offset: 1 }))).toEqual([
      'r1/b',
    ]);
  });

  it('keeps any JSON as the prompt', async () => {
    const { store } = await subject();
    await store.createRun({ id: 'r', flow: flowNamed('ask'), input: null });
    const prompts = [{ summary: 'Refund 40 €', drafts: ['a', 'b'] }, ['x', 1], 7, null, 'plain'];
    for (const [i, prompt] of prompts.entries())
      await store.createPendingAnswer({ runId: 'r', stepId: `s${i}`, prompt });
    const listed = await store.listPendingAnswers({ runId: 'r' });
    expect(listed.map((p) => p.prompt)).toEqual(prompts);
    expect((await store.getPendingAnswer('r', 's0'))?.prompt).toEqual(prompts[0]);
  });

  it('refuses answers nobody asked for and questions for unknown runs', async () => {
    const { store } = await subject();
    await expectStoreError(store.submitAnswer('r', 's', 1), 'answer-not-found');
    await expectStoreError(
      store.createPendingAnswer({ runId: 'ghost', stepId: 's', prompt: 'p' }),
      'run-not-found',
    );
    await store.createRun({ id: 'r', flow: flowNamed('ask'), input: null });
    await expectStoreError(
      store.createPendingAnswer({ runId: 'r', stepId: 's', prompt: undefined }),
      'invalid-input',
    );
    await expectStoreError(
      store.createPendingAnswer({ runId: 'r', stepId: 's', prompt: { n: 10n } }),
      'invalid-input',
    );
    await store.createPendingAnswer({ runId: 'r', stepId: 's', prompt: 'p' });
    await expectStoreError(store.submitAnswer('r', 's', undefined), 'invalid-input');
    expect((await store.getPendingAnswer('r', 's'))?.answered).toBe(false);
    expect(await store.getPendingAnswer('r', 'other')).toBeUndefined();
  });
}
