import { describe, expect, it } from 'vitest';
import {
  ExprSchema,
  FLOW_SCHEMA_URL,
  FlowSchema,
  isEscapedLiteral,
  isReference,
  ValueTemplateSchema,
} from '../index.ts';

describe('ValueTemplateSchema', () => {
  it('points the issue path at the faulty expression', () => {
    const result = FlowSchema.safeParse({
      schema: FLOW_SCHEMA_URL,
      steps: [{ id: 'a', component: '/x', input: { list: [1, { $from: 'input' }] } }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([
      ['steps', 0, 'input', 'list', 1, '$from'],
    ]);
    expect(result.error?.issues[0]?.message).toBe(
      'Invalid expression: $from must be {workflow: input} or {step: <id>}, got "input"',
    );
  });

  it('returns the template unchanged', () => {
    const template = {
      a: { $from: { step: 's' }, path: '$.x', extra: 1 },
      b: { $literal: { $from: 1 } },
    };
    expect(ValueTemplateSchema.parse(template)).toBe(template);
  });

  it('rejects undefined', () => {
    expect(ValueTemplateSchema.safeParse(undefined).success).toBe(false);
    expect(ExprSchema.safeParse(undefined).success).toBe(false);
  });
});

describe('ExprSchema', () => {
  it('checks only a top-level reference', () => {
    expect(ExprSchema.safeParse({ nested: { $from: 'x' } }).success).toBe(true);
    const result = ExprSchema.safeParse({ $from: { step: 's' }, onSkip: { action: 'never' } });
    expect(result.error?.issues[0]?.path).toEqual(['onSkip', 'action']);
  });
});

describe('isReference / isEscapedLiteral', () => {
  it('detects by key presence, $from winning', () => {
    expect(isReference({ $from: 1 })).toBe(true);
    expect(isReference([{ $from: 1 }])).toBe(false);
    expect(isEscapedLiteral({ $literal: 1 })).toBe(true);
    expect(isEscapedLiteral({ $literal: 1, $from: { step: 'a' } })).toBe(false);
    expect(isEscapedLiteral(null)).toBe(false);
  });
});
