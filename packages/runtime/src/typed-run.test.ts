import type { Flow, FlowResult, TypedFlow } from '@stepflow/protocol';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createRuntime, defaultConfig, resolveConfig } from './index.ts';

// Type-level checks (`pnpm typecheck` fails when one breaks), run on a real runtime.
const greet = {
  schema: 'https://stepflow.org/schemas/v1/flow.json',
  inputSchema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
  steps: [
    {
      id: 'hi',
      component: '/builtin/create_messages',
      input: { user_prompt: { $from: { workflow: 'input' }, path: 'name' } },
    },
  ],
  output: { first: { $from: { step: 'hi' }, path: '$.messages[0].content' } },
} as TypedFlow<{ name: string }, { first: string }>;

function runtime() {
  const { config, workingDirectory } = resolveConfig(defaultConfig(), {
    baseDirectory: process.cwd(),
    env: {},
  });
  return createRuntime({ config, workingDirectory });
}

describe('typed runs', () => {
  it('take the input and result types from a typed flow', async () => {
    const engine = runtime();
    const { result } = await engine.run({ flow: greet, input: { name: 'Ada' } });
    expectTypeOf(result).toEqualTypeOf<FlowResult<{ first: string }>>();
    expect(result.outcome).toBe('success');
    if (result.outcome === 'success') {
      expectTypeOf(result.result).toEqualTypeOf<{ first: string }>();
      expect(result.result.first).toBe('Ada');
    }
    await expect(
      // @ts-expect-error: the input must have the flow's input type
      engine.run({ flow: greet, input: { name: 42 } }),
    ).rejects.toThrow(/input/i);
    // @ts-expect-error: and be present
    await expect(engine.run({ flow: greet })).rejects.toThrow();
    await engine.close();
  });

  it('keep an untyped flow as before: any input, an unknown result', async () => {
    const engine = runtime();
    const flow: Flow = greet;
    const { result } = await engine.run({ flow, input: { name: 'Ada' } });
    expectTypeOf(result).toEqualTypeOf<FlowResult>();
    if (result.outcome === 'success') expectTypeOf(result.result).toBeUnknown();
    await engine.close();
  });
});
