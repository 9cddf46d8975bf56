import { JsonRpcError } from '@stepflow/jsonrpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, startScriptedRuntime, type ScriptedRuntime } from './scripted-runtime.ts';

let runtime: ScriptedRuntime;
let pid: number | undefined;

beforeAll(async () => {
  runtime = await startScriptedRuntime();
  pid = runtime.transport.pid;
});

afterAll(async () => {
  await runtime.close();
  expect(isAlive(pid)).toBe(false);
});

const FLOW = {
  schema: 'https://stepflow.org/schemas/v1/flow.json',
  name: 'double',
  steps: [{ id: 'only', component: '/builtin/eval', metadata: { owner: 'ada' } }],
  metadata: { team: 'core' },
};

async function udf(code: string, input: unknown, observability?: Record<string, unknown>) {
  const blobId = (await runtime.peer.request('components/execute', {
    component: '/store_blob',
    input: { value: { code, input_schema: { type: 'object' } } },
    attempt: 1,
    observability: {},
  })) as { output: { blob_id: string } };
  return runtime.execute('/udf', { blob_id: blobId.output.blob_id, input }, observability);
}

async function rpcError(promise: Promise<unknown>): Promise<JsonRpcError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(JsonRpcError.isInstance(error)).toBe(true);
  return error as JsonRpcError;
}

describe('sample server over stdio, driven by a scripted runtime', () => {
  it('answers initialize with protocol version 1', async () => {
    expect(await runtime.peer.request('initialize', { runtime_protocol_version: 1 })).toEqual({
      server_protocol_version: 1,
    });
    await runtime.peer.notify('initialized', {});
  });

  it('lists components and answers components/info', async () => {
    const { components } = (await runtime.peer.request('components/list', {})) as {
      components: Array<{ component: string }>;
    };
    expect(components.map((c) => c.component)).toEqual(
      expect.arrayContaining([
        '/text_stats',
        '/json_transform',
        '/store_blob',
        '/read_blob',
        '/run_flow',
        '/fail',
        '/slow',
        '/echo',
        '/udf',
      ]),
    );
    const { info } = (await runtime.peer.request('components/info', {
      component: '/text_stats',
    })) as {
      info: Record<string, unknown>;
    };
    expect(info).toMatchObject({
      component: '/text_stats',
      input_schema: { type: 'object' },
      output_schema: { type: 'object' },
    });
    expect(typeof info.description).toBe('string');
  });

  it('executes a component', async () => {
    expect(await runtime.execute('/text_stats', { text: 'one two two' })).toMatchObject({
      words: 3,
      top_words: [
        { word: 'two', count: 2 },
        { word: 'one', count: 1 },
      ],
    });
  });

  it('answers every context callback through the runtime, carrying the observability context', async () => {
    runtime.calls.length = 0;
    const observability = {
      run_id: 'run-cb',
      flow_id: 'flow-cb',
      step_id: 'step-cb',
      trace_id: 'a'.repeat(32),
    };
    const { blob_id } = (await runtime.execute(
      '/store_blob',
      { value: { kept: true } },
      observability,
    )) as { blob_id: string };
    expect(await runtime.execute('/read_blob', { blob_id }, observability)).toEqual({
      value: { kept: true },
    });
    expect(
      await runtime.execute('/run_flow', { flow: FLOW, input: { x: 21 } }, observability),
    ).toBe(42);
    expect(
      await runtime.execute(
        '/map_flow',
        { flow: FLOW, items: [{ x: 1 }, { x: 2 }], max_concurrency: 2 },
        observability,
      ),
    ).toEqual({
      results: [2, 4],
    });
    expect(
      runtime.calls.find((call) => call.method === 'blobs/put' && call.params.blob_type === 'flow')
        ?.params.data,
    ).toEqual(FLOW);
    const methods = new Set(runtime.calls.map((call) => call.method));
    expect([...methods].sort()).toEqual([
      'blobs/get',
      'blobs/put',
      'flows/evaluate',
      'flows/get_batch',
      'flows/submit_batch',
    ]);
    for (const call of runtime.calls) expect(call.params.observability).toEqual(observability);
    const submit = runtime.calls.find((call) => call.method === 'flows/submit_batch')!;
    expect(submit.params).toMatchObject({ inputs: [{ x: 1 }, { x: 2 }], max_concurrency: 2 });
    expect(runtime.calls.find((call) => call.method === 'flows/get_batch')!.params).toMatchObject({
      wait: true,
      include_results: true,
    });
  });

  it('answers flows/get_metadata for the current step and for a named step (via a UDF)', async () => {
    // Store the flow as a flow blob through the server so the runtime knows it, then ask for metadata.
    const storedFlowId = (await udf('return await context.putBlob(input.flow, "flow");', {
      flow: FLOW,
    })) as string;
    runtime.calls.length = 0;
    const observability = { run_id: 'r', flow_id: storedFlowId, step_id: 'only' };
    expect(await udf('return await context.getMetadata();', {}, observability)).toEqual({
      flow_metadata: { team: 'core' },
      step_metadata: { owner: 'ada' },
    });
    const metadataCall = runtime.calls.find((call) => call.method === 'flows/get_metadata')!;
    expect(metadataCall.params).toEqual({ flow_id: storedFlowId, step_id: 'only', observability });
  });

  it('turns skipped and failed sub-flows into typed errors', async () => {
    expect(
      await udf(
        `try { await context.evaluateFlow(input.flow, { x: 0 }); } catch (e) { return { name: e.name, reason: e.reason }; }`,
        { flow: FLOW },
      ),
    ).toEqual({ name: 'FlowSkippedError', reason: 'x is zero' });
    const error = await rpcError(runtime.execute('/run_flow', { flow: FLOW, input: { x: -3 } }));
    expect(error.toJson()).toEqual({ code: 17, message: 'negative x: -3', data: { x: -3 } });
  });

  it('answers bad input with -32602 listing every issue', async () => {
    const error = await rpcError(
      runtime.execute('/json_transform', { mapping: { a: 1, b: 2 }, defaults: 'x' }),
    );
    expect(error.code).toBe(-32602);
    const issues = (error.data as { issues: Array<{ path: unknown[] }> }).issues;
    expect(issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining([['mapping', 'a'], ['mapping', 'b'], ['defaults']]),
    );
    expect(error.message).toMatch(/^Invalid input for component '\/json_transform': /);
  });

  it('answers an unknown component with -32001', async () => {
    const error = await rpcError(runtime.execute('/no_such_thing', {}));
    expect(error.code).toBe(-32001);
    expect(error.message).toBe("Component '/no_such_thing' not found");
  });

  it('answers a thrown error with -32003 and no stack, and a deliberate failure with its own code', async () => {
    const thrown = await rpcError(udf('throw new Error("it broke")', {}));
    expect(thrown.toJson()).toEqual({
      code: -32003,
      message: 'Component execution failed: it broke',
      data: {},
    });
    expect(JSON.stringify(thrown.toJson())).not.toContain('at ');
    const deliberate = await rpcError(
      runtime.execute('/fail', { code: 418, message: 'teapot', data: { short: true } }),
    );
    expect(deliberate.toJson()).toEqual({ code: 418, message: 'teapot', data: { short: true } });
  });

  it('handles many concurrent executions, each doing callbacks', async () => {
    const count = 200;
    const results = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const { blob_id } = (await runtime.execute('/store_blob', { value: { i } })) as {
          blob_id: string;
        };
        const [read, evaluated] = await Promise.all([
          runtime.execute('/read_blob', { blob_id }),
          runtime.execute('/run_flow', { flow: FLOW, input: { x: i + 1 } }),
        ]);
        return { read, evaluated };
      }),
    );
    results.forEach((result, i) =>
      expect(result).toEqual({ read: { value: { i } }, evaluated: (i + 1) * 2 }),
    );
  });
});
