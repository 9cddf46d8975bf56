import { describe, expect, it } from 'vitest';
import { rootCauseOf } from './error-cause.ts';

describe('rootCauseOf', () => {
  it('follows data.cause to the innermost message', () => {
    const error = {
      code: 500,
      message: 'step "a" failed',
      data: { cause: { code: -32003, message: 'Component execution failed: boom', data: {} } },
    };
    expect(rootCauseOf(error)).toBe('Component execution failed: boom');
  });

  it('answers undefined without a cause, and stops on a cycle', () => {
    expect(rootCauseOf({ message: 'plain' })).toBeUndefined();
    expect(rootCauseOf(null)).toBeUndefined();
    const looped: Record<string, unknown> = { message: 'loop' };
    looped.data = { cause: looped };
    expect(rootCauseOf(looped)).toBe('loop');
  });
});
