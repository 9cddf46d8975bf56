import { describe, expect, it } from 'vitest';
import type { FlowResult } from '@stepflow/protocol';
import { type RuntimeServices, RuntimeServiceError } from '../index.ts';
import { testRuntime, yamlFlow } from '../../test/helpers.ts';

const child = {
  schema: 'https://stepflow.org/schemas/v1/flow.json',
  name: 'child',
  metadata: { owner: 'ada' },
  steps: [
    {
      id: 'm',
      component: '/builtin/create_messages',
      metadata: { note: 1 },
      input: { user_prompt: { $from: { workflow: 'input' } } },
    },
  ],
  output: { $from: { step: 'm' }, path: '$.messages[0].content' },
};

/** Runs one step of the scripted plugin and hands its services to `body`. */
async function withServices<T>(
  body: (services: RuntimeServices) => Promise<T>,
  ids?: () => string,
): Promise<T> {
  let out: T | undefined;
  const runtime = testRuntime({
    ...(ids ? { ids } : {}),
    handler: async (e) => {
      out = await body(e.context.services);
      return { outcome: 'success', result: null } satisfies FlowResult;
    },
  });
  await runtime.run({
    flow: yamlFlow('steps: [{ id: s, component: /test/x }]\noutput: { $from: { step: s } }'),
    input: {},
  });
  return out as T;
}

async function serviceError(promise: Promise<unknown>): Promise<RuntimeServiceError> {
  const error = await promise.catch((e: unknown) => e);
  expect(RuntimeServiceError.isInstance(error)).toBe(true);
  return error as RuntimeServiceError;
}

describe('runtime services (§6.6)', () => {
  it('blobs: put, get, and the error codes', async () => {
    await withServices(async (services) => {
      const id = await services.putBlob({ a: 1 }, 'data');
      expect(await services.getBlob(id)).toEqual({ id, data: { a: 1 }, blobType: 'data' });
      expect(await serviceError(services.getBlob('0'.repeat(64)))).toMatchObject({
        code: -32000,
        message: 'Failed to get blob',
      });
      expect(await serviceError(services.putBlob({ nope: 1 }, 'flow'))).toMatchObject({
        code: -32000,
        message: 'Failed to put blob',
      });
    });
  });

  it('evaluateFlow runs a stored flow and returns its result and run id', async () => {
    let n = 0;
    const outcome = await withServices(
      async (services) => {
        const id = await services.putBlob(child, 'flow');
        return services.evaluateFlow(id, 'hi');
      },
      () => `run-${++n}`,
    );
    expect(outcome).toEqual({ result: { outcome: 'success', result: 'hi' }, runId: 'run-2' });
  });

  it('evaluateFlow fails with -32000 for unknown ids and data blobs', async () => {
    await withServices(async (services) => {
      expect(await serviceError(services.evaluateFlow('1'.repeat(64), null))).toMatchObject({
        code: -32000,
        message: 'Failed to evaluate flow',
      });
      const dataId = await services.putBlob({ just: 'data' }, 'data');
      expect(await serviceError(services.evaluateFlow(dataId, null))).toMatchObject({
        code: -32000,
        message: 'Failed to evaluate flow',
      });
    });
  });

  it('getFlowMetadata returns flow and step metadata, with -32011 for unknown flows and steps', async () => {
    await withServices(async (services) => {
      const id = await services.putBlob(child, 'flow');
      expect(await services.getFlowMetadata(id)).toEqual({ flow_metadata: { owner: 'ada' } });
      expect(await services.getFlowMetadata(id, 'm')).toEqual({
        flow_metadata: { owner: 'ada' },
        step_metadata: { note: 1 },
      });
      expect(await serviceError(services.getFlowMetadata(id, 'zz'))).toMatchObject({
        code: -32011,
        message: "Not found: step with ID 'zz'",
      });
      expect(await serviceError(services.getFlowMetadata('2'.repeat(64)))).toMatchObject({
        code: -32011,
        message: `Not found: flow with ID '${'2'.repeat(64)}'`,
      });
    });
  });

  it('submitBatch runs inputs in the background; getBatch waits and reports results', async () => {
    await withServices(async (services) => {
      const id = await services.putBlob(child, 'flow');
      const submitted = await services.submitBatch(id, ['a', 7, 'c'], { maxConcurrency: 2 });
      expect(submitted).toEqual({
        batch_id: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
        total_runs: 3,
      });
      const batch = await services.getBatch(submitted.batch_id, {
        wait: true,
        includeResults: true,
      });
      expect(batch.details).toMatchObject({
        batch_id: submitted.batch_id,
        flow_id: id,
        flow_name: 'child',
        total_runs: 3,
        status: 'running',
        completed_runs: 2,
        failed_runs: 1,
        running_runs: 0,
      });
      expect(batch.details.completed_at).toEqual(expect.any(String));
      expect(batch.outputs?.map((o) => [o.batch_input_index, o.status])).toEqual([
        [0, 'completed'],
        [1, 'failed'],
        [2, 'completed'],
      ]);
      expect(batch.outputs?.[0]?.result).toEqual({ outcome: 'success', result: 'a' });
      expect((await services.getBatch(submitted.batch_id)).outputs).toBeUndefined();
    });
  });

  it('getBatch: -32012 for a non-UUID id, -32011 for an unknown one; submitBatch: -32011 for an unknown flow', async () => {
    await withServices(async (services) => {
      expect(await serviceError(services.getBatch('not-a-uuid'))).toMatchObject({
        code: -32012,
        message: "Invalid value for field 'batch_id': expected valid UUID",
      });
      expect(
        await serviceError(services.getBatch('00000000-0000-4000-8000-000000000000')),
      ).toMatchObject({ code: -32011 });
      expect(await serviceError(services.submitBatch('3'.repeat(64), [1]))).toMatchObject({
        code: -32011,
      });
    });
  });
});
