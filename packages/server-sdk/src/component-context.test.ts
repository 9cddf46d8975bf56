import { afterEach, describe, expect, it } from 'vitest';
import {
  createComponentServer,
  createFlowBuilder,
  FlowFailedError,
  FlowSkippedError,
  RuntimeRequestError,
  type ComponentContext,
} from './index.ts';
import { createTestRuntime, type EvaluateFlowHandler, type TestRuntime } from './testing.ts';

const runtimes: TestRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((runtime) => runtime.close({ graceMs: 0 })));
});

/** A server with one component that runs `body` with its context and returns what it returns. */
async function withContext(
  body: (ctx: ComponentContext) => Promise<unknown>,
  evaluateFlow?: EvaluateFlowHandler,
) {
  const server = createComponentServer({ name: 'ctx', version: '1', writeLog: () => {} });
  server.component('probe', {}, (_input, ctx) => body(ctx));
  const runtime = await createTestRuntime(server, evaluateFlow ? { evaluateFlow } : {});
  runtimes.push(runtime);
  return runtime;
}

const flow = (() => {
  const builder = createFlowBuilder({ name: 'double' });
  builder.step(
    'twice',
    '/builtin/eval',
    { n: builder.input.field('n') },
    { metadata: { owner: 'ada' } },
  );
  builder.metadata({ team: 'core' });
  builder.output(builder.input.field('n'));
  return builder.build();
})();

const doubling: EvaluateFlowHandler = (_flow, input) => {
  const n = (input as { n: number }).n;
  if (n < 0) return { outcome: 'failed', error: { code: 7, message: 'negative', data: { n } } };
  if (n === 0) return { outcome: 'skipped', reason: 'zero' };
  return { outcome: 'success', result: n * 2 };
};

describe('context callbacks', () => {
  it('puts and gets blobs, carrying the observability context of the execute request', async () => {
    const runtime = await withContext(async (ctx) => {
      const id = await ctx.putBlob({ hello: 'world' });
      return { id, back: await ctx.getBlob(id) };
    });
    const output = await runtime.execute<{ id: string; back: unknown }>('/probe', null, {
      runId: 'r1',
      stepId: 's1',
      flowId: 'f1',
    });
    expect(output.back).toEqual({ hello: 'world' });
    expect(output.id).toMatch(/^[0-9a-f]{64}$/);
    expect(runtime.calls.map((call) => call.method)).toEqual(['blobs/put', 'blobs/get']);
    for (const call of runtime.calls) {
      expect(call.params.observability).toEqual({ run_id: 'r1', flow_id: 'f1', step_id: 's1' });
    }
    expect(runtime.calls[0]!.params).toMatchObject({ data: { hello: 'world' }, blob_type: 'data' });
  });

  it('turns a runtime error answer into a RuntimeRequestError naming the method', async () => {
    const runtime = await withContext(async (ctx) => {
      try {
        await ctx.getBlob('0'.repeat(64));
        return 'no error';
      } catch (error) {
        return {
          isRuntimeRequestError: RuntimeRequestError.isInstance(error),
          method: (error as RuntimeRequestError).method,
          code: (error as RuntimeRequestError).code,
          message: (error as Error).message,
        };
      }
    });
    expect(await runtime.execute('/probe', null)).toEqual({
      isRuntimeRequestError: true,
      method: 'blobs/get',
      code: -32000,
      message: 'blobs/get failed: Failed to get blob (code -32000)',
    });
  });

  it('evaluates a flow object (stored as a flow blob first) and unwraps success', async () => {
    const runtime = await withContext((ctx) => ctx.evaluateFlow(flow, { n: 21 }), doubling);
    expect(await runtime.execute('/probe', null)).toBe(42);
    expect(runtime.calls.map((call) => call.method)).toEqual(['blobs/put', 'flows/evaluate']);
    expect(runtime.calls[0]!.params).toMatchObject({ blob_type: 'flow', data: flow });
  });

  it('throws FlowSkippedError and FlowFailedError for skipped and failed results', async () => {
    const runtime = await withContext(async (ctx) => {
      const flowId = await ctx.putBlob(flow, 'flow');
      const outcomes: unknown[] = [];
      for (const n of [0, -1]) {
        try {
          await ctx.evaluateFlow(flowId, { n });
        } catch (error) {
          if (FlowSkippedError.isInstance(error)) outcomes.push({ skipped: error.reason });
          if (FlowFailedError.isInstance(error))
            outcomes.push({ failed: [error.code, error.message, error.data] });
        }
      }
      return outcomes;
    }, doubling);
    expect(await runtime.execute('/probe', null)).toEqual([
      { skipped: 'zero' },
      { failed: [7, 'negative', { n: -1 }] },
    ]);
  });

  it('an uncaught FlowFailedError fails the component with -32003', async () => {
    const runtime = await withContext((ctx) => ctx.evaluateFlow(flow, { n: -1 }), doubling);
    await expect(runtime.execute('/probe', null)).rejects.toMatchObject({
      code: -32003,
      message: 'Component execution failed: negative',
    });
  });

  it('getMetadata defaults to the current step and can name another', async () => {
    const runtime = await withContext(async (ctx) => ({
      current: await ctx.getMetadata(),
      flowOnly: await ctx.getMetadata(undefined),
    }));
    const flowId = await runtime.blobs.put(flow, 'flow');
    expect(await runtime.execute('/probe', null, { flowId, stepId: 'twice' })).toEqual({
      current: { flow_metadata: { team: 'core' }, step_metadata: { owner: 'ada' } },
      flowOnly: { flow_metadata: { team: 'core' }, step_metadata: { owner: 'ada' } },
    });
    expect(runtime.calls[0]!.params).toMatchObject({ flow_id: flowId, step_id: 'twice' });
  });

  it('getMetadata without a flow id in the observability context fails clearly', async () => {
    const runtime = await withContext((ctx) => ctx.getMetadata());
    await expect(runtime.execute('/probe', null)).rejects.toMatchObject({
      code: -32003,
      message: expect.stringContaining('carried no observability.flow_id'),
    });
  });

  it('submits a batch, reads it back and evaluates batches in input order', async () => {
    const runtime = await withContext(async (ctx) => {
      const batchId = await ctx.submitBatch(flow, [{ n: 1 }, { n: 2 }], { maxConcurrency: 1 });
      const { details, outputs } = await ctx.getBatch(batchId, {
        wait: true,
        includeResults: true,
      });
      const values = await ctx.evaluateBatch(flow, [{ n: 3 }, { n: 4 }, { n: 5 }]);
      let failure: unknown;
      try {
        await ctx.evaluateBatch(flow, [{ n: 1 }, { n: -1 }]);
      } catch (error) {
        failure = (error as Error).message;
      }
      return {
        total: details.total_runs,
        completed: details.completed_runs,
        outputs,
        values,
        failure,
      };
    }, doubling);
    const output = await runtime.execute<Record<string, unknown>>('/probe', null);
    expect(output).toMatchObject({
      total: 2,
      completed: 2,
      outputs: [
        { batch_input_index: 0, status: 'completed', result: { outcome: 'success', result: 2 } },
        { batch_input_index: 1, status: 'completed', result: { outcome: 'success', result: 4 } },
      ],
      values: [6, 8, 10],
    });
    expect(output.failure).toMatch(/run for input 1 ended with status failed/);
    const submit = runtime.calls.find((call) => call.method === 'flows/submit_batch');
    expect(submit?.params).toMatchObject({ inputs: [{ n: 1 }, { n: 2 }], max_concurrency: 1 });
    const get = runtime.calls.find((call) => call.method === 'flows/get_batch');
    expect(get?.params).toMatchObject({ wait: true, include_results: true });
  });

  it('rejects a non-flow argument and undefined blob data with a TypeError message', async () => {
    const runtime = await withContext(async (ctx) => {
      const messages: string[] = [];
      for (const attempt of [
        () => ctx.evaluateFlow(42 as never, {}),
        () => ctx.putBlob(undefined),
      ]) {
        await attempt().catch((error: Error) => messages.push(error.message));
      }
      return messages;
    });
    expect(await runtime.execute('/probe', null)).toEqual([
      'evaluateFlow: expected a flow object or a flow id, got number',
      'putBlob: data must be a JSON value, got undefined',
    ]);
  });

  it('log writes one JSON line per message with the execution ids, level and fields', async () => {
    const lines: string[] = [];
    const server = createComponentServer({
      name: 'ctx',
      version: '1',
      writeLog: (line) => lines.push(line),
    });
    server.component('talk', {}, (_input, ctx) => {
      ctx.log('hello', { n: 1, run_id: 'not mine' });
      ctx.log.warn('careful\nthere');
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      ctx.log.debug('odd fields', cyclic);
      return null;
    });
    const runtime = await createTestRuntime(server);
    runtimes.push(runtime);
    await runtime.execute('/talk', null, {
      stepId: 'st',
      runId: 'ru',
      flowId: 'fl',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
    });
    const ids = {
      component: '/talk',
      run_id: 'ru',
      flow_id: 'fl',
      step_id: 'st',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: '00f067aa0ba902b7',
      attempt: 1,
    };
    // One line each: the newline in a message stays escaped inside the JSON.
    expect(lines).toHaveLength(3);
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      { level: 'info', msg: 'hello', ...ids, fields: { n: 1, run_id: 'not mine' } },
      { level: 'warn', msg: 'careful\nthere', ...ids },
      {
        level: 'debug',
        msg: 'odd fields',
        ...ids,
        fields: { unserialisable: expect.stringContaining('circular') },
      },
    ]);
  });
});
