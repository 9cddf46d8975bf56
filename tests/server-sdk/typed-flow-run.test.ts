// A flow made with the typed flow builder runs with its input and result types checked.
import type { FlowResult } from '@stepflow/protocol';
import { createRuntime, defaultConfig, resolveConfig } from '@stepflow/runtime';
import { createFlowBuilder } from '@stepflow/server-sdk';
import { expect, expectTypeOf, it } from 'vitest';

function greetFlow() {
  const flow = createFlowBuilder<{ name: string }, { role: string; prompt: string }>({
    name: 'greet',
  });
  flow.inputSchema({
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string' } },
  });
  const messages = flow.step('messages', '/builtin/create_messages', {
    system_instructions: 'Be brief.',
    user_prompt: flow.input.field('name'),
  });
  flow.output({
    role: messages.ref('$.messages[0].role'),
    prompt: messages.ref('$.messages[1].content'),
  });
  return flow.build();
}

it('runtime.run takes the input type from a built flow and types its result', async () => {
  const { config, workingDirectory } = resolveConfig(defaultConfig(), {
    baseDirectory: process.cwd(),
    env: {},
  });
  const runtime = createRuntime({ config, workingDirectory });
  try {
    const flow = greetFlow();
    const { result } = await runtime.run({ flow, input: { name: 'Ada' } });
    expectTypeOf(result).toEqualTypeOf<FlowResult<{ role: string; prompt: string }>>();
    expect(result).toEqual({ outcome: 'success', result: { role: 'system', prompt: 'Ada' } });
    if (result.outcome === 'success') expectTypeOf(result.result.prompt).toEqualTypeOf<string>();

    // @ts-expect-error: `name` must be a string, as the builder declared
    const wrong = runtime.run({ flow, input: { name: 7 } });
    await expect(wrong).rejects.toThrow(/name/);
  } finally {
    await runtime.close();
  }
});
