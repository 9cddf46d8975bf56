import { describe, expect, it } from 'vitest';
import { MAX_VALUE_DEPTH, exceedsValueDepth } from './value-depth.ts';

function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { k: value };
  return value;
}

describe('exceedsValueDepth', () => {
  it('accepts scalars and values up to the limit', () => {
    expect(exceedsValueDepth('x')).toBe(false);
    expect(exceedsValueDepth(null)).toBe(false);
    expect(exceedsValueDepth(nested(MAX_VALUE_DEPTH))).toBe(false);
  });

  it('refuses one level more, and 100,000 levels without overflowing the stack', () => {
    expect(exceedsValueDepth(nested(MAX_VALUE_DEPTH + 1))).toBe(true);
    expect(exceedsValueDepth(nested(100_000))).toBe(true);
  });

  it('treats a cycle as too deep', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(exceedsValueDepth(cyclic)).toBe(true);
  });
});
