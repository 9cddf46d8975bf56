import { createMemoryStateStore } from '@stepflow/state-store';
import type { Runtime } from '@stepflow/runtime';
import { expect, it } from 'vitest';
import { RunSupervisor } from './run-supervisor.ts';

const flow = { schema: 'https://stepflow.org/schemas/v1/flow.json', name: 'f', steps: [] };

it('records a fresh run that failed before its first event, creating its record', async () => {
  const store = createMemoryStateStore();
  const runtime = {
    run: () => Promise.reject(new Error('refused: no such component')),
  } as unknown as Runtime;
  const supervisor = new RunSupervisor(runtime, store);
  const result = await supervisor.start({
    runId: 'r1',
    flow: flow as never,
    input: { x: 1 },
    fresh: true,
  });
  expect(result).toEqual({
    outcome: 'failed',
    error: { code: 500, message: 'refused: no such component' },
  });
  expect(await store.getRun('r1')).toMatchObject({
    status: 'failed',
    flowName: 'f',
    input: { x: 1 },
    result,
  });
  await store.close();
});
