import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createFlowBuilder, literal } from './index.ts';

describe('createFlowBuilder', () => {
  it('emits the v1 camelCase format in canonical key order', () => {
    const flow = createFlowBuilder<{ text: string }>({
      name: 'wc',
      description: 'Counts words',
      version: '1.0',
    });
    flow.inputSchema(z.object({ text: z.string() }));
    const stats = flow.step<{ words: number }>('stats', '/sample/text_stats', {
      text: flow.input.field('text'),
    });
    const shout = flow.step(
      'shout',
      '/sample/transform',
      { value: stats.ref('$.words'), template: literal({ $from: 'not a reference' }) },
      {
        skipIf: flow.input.ref('$.quiet'),
        onError: { action: 'useDefault', defaultValue: 0 },
        metadata: { owner: 'ada' },
      },
    );
    flow.output({
      words: stats.field('words'),
      shout: shout.ref(undefined, { onSkip: { action: 'useDefault', defaultValue: null } }),
    });
    flow.metadata({ team: 'core' });
    const built = flow.build();
    expect(JSON.stringify(built)).toBe(
      JSON.stringify({
        schema: 'https://stepflow.org/schemas/v1/flow.json',
        name: 'wc',
        description: 'Counts words',
        version: '1.0',
        inputSchema: {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          type: 'object',
          properties: { text: { type: 'string' } },
          required: ['text'],
        },
        steps: [
          {
            id: 'stats',
            component: '/sample/text_stats',
            input: { text: { $from: { workflow: 'input' }, path: '$.text' } },
          },
          {
            id: 'shout',
            component: '/sample/transform',
            skipIf: { $from: { workflow: 'input' }, path: '$.quiet' },
            onError: { action: 'useDefault', defaultValue: 0 },
            input: {
              value: { $from: { step: 'stats' }, path: '$.words' },
              template: { $literal: { $from: 'not a reference' } },
            },
            metadata: { owner: 'ada' },
          },
        ],
        output: {
          words: { $from: { step: 'stats' }, path: '$.words' },
          shout: { $from: { step: 'shout' }, onSkip: { action: 'useDefault', defaultValue: null } },
        },
        metadata: { team: 'core' },
      }),
    );
  });

  it('quotes field names that a bare path would split, and omits empty paths', () => {
    const flow = createFlowBuilder();
    expect(flow.input.field('a.b')).toEqual({ $from: { workflow: 'input' }, path: '$["a.b"]' });
    expect(flow.input.ref('$')).toEqual({ $from: { workflow: 'input' } });
    expect(flow.input.ref()).toEqual({ $from: { workflow: 'input' } });
    expect(createFlowBuilder().build()).toEqual({
      schema: 'https://stepflow.org/schemas/v1/flow.json',
    });
  });

  it('returns an independent copy from each build', () => {
    const flow = createFlowBuilder();
    const input = { n: 1 };
    flow.step('a', '/x', input);
    const first = flow.build();
    input.n = 2;
    expect(first.steps?.[0]?.input).toEqual({ n: 1 });
  });

  it('fails loudly on blank or duplicate ids, bad component paths and references to unknown or later steps', () => {
    const flow = createFlowBuilder();
    const a = flow.step('a', '/x');
    expect(() => flow.step('a', '/x')).toThrow("a step with id 'a' already exists");
    expect(() => flow.step(' ', '/x')).toThrow('must not be blank');
    expect(() => flow.step('b', 'x')).toThrow("component must start with '/'");
    const other = createFlowBuilder().step('elsewhere', '/x');
    expect(() => flow.step('c', '/x', { v: other.ref() })).toThrow(
      "step 'c' input refers to step 'elsewhere', which is not an earlier step of this flow",
    );
    expect(() => flow.output([{ deep: other.field('v') }])).toThrow('flow output refers to step');
    expect(() => flow.step('d', '/x', { v: { $from: { step: 'd' } } })).toThrow(
      "refers to step 'd'",
    );
    expect(() => flow.step('e', '/x', {}, { skipIf: other.ref() })).toThrow("step 'e' skipIf");
    expect(() => flow.step('f', '/x', { v: a.ref('$.x') })).not.toThrow();
  });
});
