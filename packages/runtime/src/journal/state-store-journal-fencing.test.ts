import { describe, expect, it } from 'vitest';
import type { FlowResult } from '@stepflow/protocol';
import { createMemoryStateStore } from '@stepflow/state-store';
import { createManualStoreClock } from '@stepflow/state-store/testing';
import { deferred, flushPromises, testRuntime, yamlFlow } from '../../test/helpers.ts';
import { createStateStoreJournal, type LeaseFence } from './state-store-journal.ts';

const chain = yamlFlow(`
name: chain
steps:
  - { id: a, component: /test/x, input: { $from: { workflow: input } } }
  - { id: b, component: /test/x, input: { $from: { step: a } } }
output: { $from: { step: b } }
`);
const ok = (result: unknown): FlowResult => ({ outcome: 'success', result });
const TTL = 30_000;

describe('fenced journal appends', () => {
  it('stops a run whose lease another process took, writing nothing; an unfenced run in the same commit goes on', async () => {
    const clock = createManualStoreClock();
    const store = createMemoryStateStore({ clock });
    const fences = new Map<string, LeaseFence>();
    const gates = { lost: deferred<FlowResult>(), kept: deferred<FlowResult>() };
    const runtime = testRuntime({
      stateStore: store,
      journal: createStateStoreJournal(store, { fenceOf: (runId) => fences.get(runId) }),
      handler: (e) =>
        e.context.stepId === 'a' ? gates[e.input as 'lost' | 'kept'].promise : ok(e.input),
    });
    await store.createRun({ id: 'lost', flow: chain, input: 'lost' });
    const lease = await store.acquireLease('lost', 'A', TTL);
    fences.set('lost', { owner: 'A', epoch: lease!.epoch });
    const lost = runtime.run({ flow: chain, input: 'lost', runId: 'lost' });
    const kept = runtime.run({ flow: chain, input: 'kept', runId: 'kept' });
    await flushPromises();
    const before = await store.readEvents('lost');

    // The process "pauses": its lease lapses and another owner claims the run.
    clock.advance(TTL + 1);
    const claimed = await store.claimRuns('B', TTL, { limit: 10 });
    expect(claimed.map((run) => run.id)).toContain('lost');

    // Both steps finish in the same turn: one group commit, of which only `lost` is refused.
    gates.lost.resolve(ok('late'));
    gates.kept.resolve(ok('fine'));
    await expect(lost).rejects.toMatchObject({ code: 'lease-lost' });
    expect((await kept).result).toStrictEqual(ok('fine'));
    expect(await store.readEvents('lost')).toStrictEqual(before);
    expect(await store.getRun('lost')).toMatchObject({ status: 'running', leaseOwner: 'B' });
    await runtime.close();
  });
});
