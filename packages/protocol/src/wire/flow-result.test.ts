import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import {
  FlowResultSchema,
  type FlowResultSuccessSchema,
  type ComponentExecuteParams,
  type FlowOutcome,
  type FlowResult,
  type FlowResultSuccess,
  type PutBlobParams,
} from '../index.ts';

describe('FlowResult', () => {
  it('narrows on outcome', () => {
    const result = FlowResultSchema.parse({ outcome: 'failed', error: { code: 8, message: 'e' } });
    if (result.outcome !== 'failed') throw new Error('expected failed');
    expectTypeOf(result.error.code).toEqualTypeOf<number>();
    expectTypeOf<FlowOutcome>().toEqualTypeOf<'success' | 'skipped' | 'failed'>();
    expect(result.error).toEqual({ code: 8, message: 'e' });
  });

  it('names the field at fault', () => {
    const result = FlowResultSchema.safeParse({
      outcome: 'failed',
      error: { code: 'x', message: 'e' },
    });
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([['error', 'code']]);
  });

  it('keeps JSON values required in the types', () => {
    // @ts-expect-error a success needs its result, even if null
    const success: FlowResult = { outcome: 'success' };
    // @ts-expect-error blobs/put needs its data
    const put: PutBlobParams = { blob_type: 'data' };
    // @ts-expect-error components/execute needs its input
    const execute: ComponentExecuteParams = { component: '/x', attempt: 1, observability: {} };
    expect(FlowResultSchema.safeParse(success).success).toBe(false);
    expect([put, execute]).toHaveLength(2);
  });
});

describe('FlowResult types', () => {
  it('are, without a type argument, exactly what the schemas parse', () => {
    expectTypeOf<FlowResult>().toEqualTypeOf<z.infer<typeof FlowResultSchema>>();
    expectTypeOf<FlowResultSuccess>().toEqualTypeOf<z.infer<typeof FlowResultSuccessSchema>>();
  });

  it("narrow a success's result with a type argument", () => {
    const result = { outcome: 'success', result: { words: 3 } } as FlowResult<{ words: number }>;
    if (result.outcome === 'success')
      expectTypeOf(result.result).toEqualTypeOf<{ words: number }>();
  });
});
