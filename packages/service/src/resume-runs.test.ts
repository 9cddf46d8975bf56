import { createRuntime, defaultConfig } from '@stepflow/runtime';
import { createMemoryStateStore } from '@stepflow/state-store';
import { afterEach, expect, it } from 'vitest';
import { createService } from './create-service.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const flow = {
  schema: 'https://stepflow.org/schemas/v1/flow.json',
  name: 'echo',
  steps: [{ id: 's', component: '/builtin/create_messages', input: { user_prompt: 'hi' } }],
  output: { $from: { step: 's' } },
};

/** A store as a dead process left it, and a service over it. */
function setUp() {
  const store = createMemoryStateStore();
  const runtime = createRuntime({
    config: defaultConfig(),
    workingDirectory: '.',
    stateStore: store,
  });
  const service = createService({ runtime, store });
  closers.push(async () => {
    service.close();
    await runtime.close();
    await store.close();
  });
  return { store, service };
}

it('finishes an interrupted batch cancel instead of resuming its runs', async () => {
  const { store, service } = setUp();
  const runs = [0, 1].map((i) => ({ id: `r${i}`, input: null }));
  await store.createBatch({ id: 'b', flow, maxConcurrency: 1, runs });
  await store.updateBatchStatus('b', 'cancelled');
  expect(await service.resumeRuns()).toBe(2);
  expect((await store.listBatchRuns('b')).map((run) => run.status)).toEqual([
    'cancelled',
    'cancelled',
  ]);
});

it('completes a batch whose runs had all ended, and resumes the runs of one that had not', async () => {
  const { store, service } = setUp();
  await store.createBatch({ id: 'done', flow, runs: [{ id: 'd0', input: null }] });
  await store.updateRunStatus('d0', 'completed', { result: { outcome: 'success', result: 1 } });
  await store.createBatch({
    id: 'open',
    flow,
    maxConcurrency: 1,
    runs: [{ id: 'o0', input: null }],
  });
  expect(await service.resumeRuns()).toBe(1);
  expect((await store.getBatch('done'))?.status).toBe('completed');
  // The resumed run ends and its batch with it (the batch runner's loop completes it).
  for (let i = 0; (await store.getBatch('open'))?.status !== 'completed'; i++) {
    if (i > 1000) throw new Error('the resumed batch never completed');
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect((await store.getRun('o0'))?.status).toBe('completed');
});
