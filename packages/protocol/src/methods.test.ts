import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ErrorCodes,
  isMethodName,
  methodNames,
  methods,
  PutBlobParamsSchema,
  type FlowResult,
  type RuntimeToServerMethods,
  type ServerToRuntimeMethods,
  type StepflowMethods,
} from './index.ts';

describe('methods', () => {
  it('declares the eleven wire methods once each', () => {
    expect(methodNames).toEqual([
      'initialize',
      'initialized',
      'components/list',
      'components/info',
      'components/execute',
      'blobs/put',
      'blobs/get',
      'flows/evaluate',
      'flows/get_metadata',
      'flows/submit_batch',
      'flows/get_batch',
    ]);
  });

  it('gives each method a direction and kind', () => {
    expect(methods['blobs/put']).toMatchObject({ direction: 'serverToRuntime', kind: 'request' });
    expect(methods['blobs/put'].params).toBe(PutBlobParamsSchema);
    expect(methods.initialized).toMatchObject({
      direction: 'runtimeToServer',
      kind: 'notification',
    });
    expect(methods['components/execute'].direction).toBe('runtimeToServer');
    expect(methods['flows/get_batch'].direction).toBe('serverToRuntime');
  });

  it('recognises method names', () => {
    expect(isMethodName('blobs/get')).toBe(true);
    expect(isMethodName('blobs/delete')).toBe(false);
    expect(isMethodName('toString')).toBe(false);
  });

  it('types the method maps for peers', () => {
    expectTypeOf<StepflowMethods['blobs/put']['params']['blob_type']>().toEqualTypeOf<
      'flow' | 'data'
    >();
    expectTypeOf<StepflowMethods['blobs/put']['result']['blob_id']>().toEqualTypeOf<string>();
    expectTypeOf<
      StepflowMethods['flows/evaluate']['result']['result']
    >().toEqualTypeOf<FlowResult>();
    expectTypeOf<StepflowMethods['initialized']['result']>().toEqualTypeOf<void>();
    expectTypeOf<keyof RuntimeToServerMethods>().toEqualTypeOf<
      'initialize' | 'initialized' | 'components/list' | 'components/info' | 'components/execute'
    >();
    expectTypeOf<keyof ServerToRuntimeMethods>().toEqualTypeOf<
      | 'blobs/put'
      | 'blobs/get'
      | 'flows/evaluate'
      | 'flows/get_metadata'
      | 'flows/submit_batch'
      | 'flows/get_batch'
    >();
  });
});

// The shape of @stepflow/jsonrpc's method map and `request` signature, restated here because
// protocol must not import jsonrpc.
type MethodMap = Record<string, { params: unknown; result: unknown }>;
declare function request<M extends MethodMap, K extends keyof M & string>(
  method: K,
  params: M[K]['params'],
): Promise<M[K]['result']>;

describe('typed peers', () => {
  it('fit a generic JSON-RPC method map', () => {
    expectTypeOf<StepflowMethods>().toExtend<MethodMap>();
    expectTypeOf<RuntimeToServerMethods>().toExtend<MethodMap>();
    expectTypeOf<ServerToRuntimeMethods>().toExtend<MethodMap>();
  });

  it('type request params and results by method name', () => {
    type Server = ServerToRuntimeMethods;
    type Runtime = RuntimeToServerMethods;
    const put = () => request<Server, 'blobs/put'>('blobs/put', { data: 1, blob_type: 'data' });
    expectTypeOf(put).returns.resolves.toHaveProperty('blob_id').toEqualTypeOf<string>();
    const bad = { data: 1, blob_type: 'json' } as const;
    // @ts-expect-error blob_type must be 'flow' or 'data'
    const wrong = () => request<Server, 'blobs/put'>('blobs/put', bad);
    // @ts-expect-error blobs/put is not a runtime → server method
    const misdirected = () => request<Runtime, 'blobs/put'>('blobs/put', bad);
    expect([put, wrong, misdirected]).toHaveLength(3);
  });
});

describe('ErrorCodes', () => {
  it('uses the agreed numbering', () => {
    expect(ErrorCodes).toEqual({
      parseError: -32700,
      invalidRequest: -32600,
      methodNotFound: -32601,
      invalidParams: -32602,
      internalError: -32603,
      serverError: -32000,
      componentNotFound: -32001,
      componentExecutionFailed: -32003,
      notFound: -32011,
      invalidValue: -32012,
    });
  });
});
