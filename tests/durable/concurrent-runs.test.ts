import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createNodeRuntime, openStateStore } from '@stepflow/node-runtime';
import type { Flow } from '@stepflow/protocol';
import { defaultConfig } from '@stepflow/runtime';

const dir = mkdtempSync(join(tmpdir(), 'stepflow-concurrent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Three builtin steps: store the input, read it back, store it again. */
const flow = {
  schema: 'https://stepflow.org/schemas/v1/flow.json',
  name: 'three-steps',
  steps: [
    {
      id: 'put',
      component: '/builtin/put_blob',
      input: { data: { $from: { workflow: 'input' } }, blob_type: 'data' },
    },
    {
      id: 'get',
      component: '/builtin/get_blob',
      input: { blob_id: { $from: { step: 'put' }, path: 'blob_id' } },
    },
    {
      id: 'again',
      component: '/builtin/put_blob',
      input: { data: { $from: { step: 'get' }, path: 'data' }, blob_type: 'data' },
    },
  ],
  output: { $from: { step: 'get' }, path: 'data' },
} as unknown as Flow;

describe('one SQLite file, many concurrent runs', () => {
  it('records all of 1,000 concurrent runs, none lost', async () => {
    const url = `sqlite:${join(dir, 'runs.db')}`;
    const store = await openStateStore(url);
    const runtime = createNodeRuntime({
      config: defaultConfig(),
      workingDirectory: dir,
      stateStore: store,
    });
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 1000 }, (_, index) =>
          runtime.run({ flow, input: { index }, runId: `run-${index}` }),
        ),
      );
      outcomes.forEach((outcome, index) =>
        expect(outcome.result).toEqual({ outcome: 'success', result: { index } }),
      );
    } finally {
      await runtime.close();
      await store.close();
    }
    const reopened = await openStateStore(url);
    try {
      expect(await reopened.countRuns()).toBe(1000);
      expect(await reopened.countRuns({ status: 'completed' })).toBe(1000);
      const events = await reopened.readEvents('run-999');
      expect(events.map((entry) => entry.event.type).at(-1)).toBe('runCompleted');
    } finally {
      await reopened.close();
    }
  }, 120_000);
});
