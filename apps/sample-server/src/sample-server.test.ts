import { createFlowBuilder } from '@stepflow/server-sdk';
import {
  createTestRuntime,
  type EvaluateFlowHandler,
  type TestRuntime,
} from '@stepflow/server-sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createSampleServer, type SampleServerOptions } from './index.ts';

const runtimes: TestRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((runtime) => runtime.close({ graceMs: 0 })));
});

async function sample(options: SampleServerOptions = {}, evaluateFlow?: EvaluateFlowHandler) {
  const runtime = await createTestRuntime(
    createSampleServer({ writeLog: () => {}, ...options }),
    evaluateFlow ? { evaluateFlow } : {},
  );
  runtimes.push(runtime);
  return runtime;
}

describe('sample server', () => {
  it('lists its components with schemas', async () => {
    const runtime = await sample();
    const components = await runtime.listComponents();
    expect(components.map((c) => c.component).sort()).toEqual(
      [
        '/blob_roundtrip',
        '/concurrency_probe',
        '/crash_once',
        '/echo',
        '/fail',
        '/json_transform',
        '/map_flow',
        '/read_blob',
        '/run_flow',
        '/slow',
        '/step_metadata',
        '/store_blob',
        '/text_stats',
        '/udf',
      ].sort(),
    );
    expect(components.find((c) => c.component === '/text_stats')?.input_schema).toMatchObject({
      properties: { text: { type: 'string' } },
      required: ['text'],
    });
  });

  it('/text_stats counts words, lines and sentences', async () => {
    const runtime = await sample();
    expect(
      await runtime.execute('/text_stats', { text: 'The cat sat.\nThe cat ran! Did it?', top: 2 }),
    ).toEqual({
      characters: 33,
      words: 8,
      lines: 2,
      sentences: 3,
      average_word_length: 2.88,
      top_words: [
        { word: 'cat', count: 2 },
        { word: 'the', count: 2 },
      ],
    });
    await expect(runtime.execute('/text_stats', { text: 3 })).rejects.toMatchObject({
      code: -32602,
    });
  });

  it('/json_transform picks values by path, with defaults, and names missing paths', async () => {
    const runtime = await sample();
    const data = { user: { name: 'Ada' }, items: [{ id: 7 }] };
    expect(
      await runtime.execute('/json_transform', {
        data,
        mapping: { name: 'user.name', first: 'items[0].id', age: 'user.age' },
        defaults: { age: null },
      }),
    ).toEqual({ name: 'Ada', first: 7, age: null });
    await expect(
      runtime.execute('/json_transform', { data, mapping: { x: 'nope.deeper' } }),
    ).rejects.toMatchObject({
      code: 422,
      message: 'json_transform: no value at x (nope.deeper)',
      data: { missing: ['x (nope.deeper)'] },
    });
  });

  it('/store_blob and /read_blob round-trip through the runtime blob store', async () => {
    const runtime = await sample();
    const { blob_id } = await runtime.execute<{ blob_id: string }>('/store_blob', {
      value: { list: [1, 2] },
    });
    expect(await runtime.blobs.get(blob_id)).toMatchObject({
      data: { list: [1, 2] },
      blobType: 'data',
    });
    expect(await runtime.execute('/read_blob', { blob_id })).toEqual({ value: { list: [1, 2] } });
    await expect(runtime.execute('/read_blob', { blob_id: 'xyz' })).rejects.toMatchObject({
      code: -32602,
    });
  });

  it('/run_flow evaluates a sub-flow and passes a failed sub-flow error on verbatim', async () => {
    const builder = createFlowBuilder({ name: 'inner' });
    builder.output(builder.input.field('x'));
    const inner = builder.build();
    const runtime = await sample({}, (_flow, input) => {
      const x = (input as { x: number }).x;
      return x >= 0
        ? { outcome: 'success', result: x + 1 }
        : { outcome: 'failed', error: { code: 9, message: 'neg' } };
    });
    expect(await runtime.execute('/run_flow', { flow: inner, input: { x: 1 } })).toBe(2);
    await expect(
      runtime.execute('/run_flow', { flow: inner, input: { x: -1 } }),
    ).rejects.toMatchObject({
      code: 9,
      message: 'neg',
    });
    expect(
      await runtime.execute('/map_flow', { flow: inner, items: [{ x: 1 }, { x: 2 }] }),
    ).toEqual({ results: [2, 3] });
  });

  it('/fail fails deliberately with the given error', async () => {
    const runtime = await sample();
    await expect(
      runtime.execute('/fail', { code: 503, message: 'upstream down', data: { retry: true } }),
    ).rejects.toMatchObject({
      code: 503,
      message: 'upstream down',
      data: { retry: true },
    });
    await expect(runtime.execute('/fail', {})).rejects.toMatchObject({
      code: 400,
      message: 'Deliberate failure',
    });
  });

  it('/slow finishes, and stops at the execution time limit', async () => {
    // Without a limit: a finish that does not race the clock (a 1 ms wait can outlast a 40 ms
    // limit on a loaded machine).
    const unlimited = await sample();
    const finished = await unlimited.execute<{ ticks: number }>('/slow', { ms: 1, tick_ms: 1 });
    expect(finished.ticks).toBeGreaterThanOrEqual(1);
    const runtime = await sample({ executionTimeoutMs: 40 });
    await expect(runtime.execute('/slow', { ms: 3_600_000 })).rejects.toMatchObject({
      code: -32003,
      message: "Component execution failed: '/slow' timed out after 40 ms",
    });
  });

  it('/echo returns its input', async () => {
    const runtime = await sample();
    expect(await runtime.execute('/echo', { any: ['thing', 1, null] })).toEqual({
      any: ['thing', 1, null],
    });
  });
});
