import { describe, expect, it } from 'vitest';
import type { FlowResult } from '@stepflow/protocol';
import { InputValidationError, MAX_VALUE_DEPTH, type PluginFactory } from '../index.ts';
import { testRuntime, yamlFlow } from '../../test/helpers.ts';

const bad = { n: 'one', extra: true };

function flowWith(stepExtra: string, flowExtra = ''): ReturnType<typeof yamlFlow> {
  return yamlFlow(`
${flowExtra}
steps:
  - id: s
    component: /test/echo
    input: { $from: { workflow: input } }
${stepExtra}
output: { $from: { step: s } }
`);
}

const stepSchema = `
    outputSchema:
      type: object
      properties: { n: { type: integer } }
      required: [x]`;

describe('step outputSchema', () => {
  it('a violating output is a step failure naming the step and every violation', async () => {
    const { result } = await testRuntime().run({ flow: flowWith(stepSchema), input: bad });
    expect(result).toMatchObject({
      outcome: 'failed',
      error: {
        code: 500,
        message: 'step "s" failed',
        data: {
          cause: {
            code: 500,
            message: `the output of step "s" does not match its outputSchema: (output) must have required property 'x'; /n must be integer`,
            data: {
              violations: [
                { path: '', message: "must have required property 'x'" },
                { path: '/n', message: 'must be integer' },
              ],
            },
          },
        },
      },
    });
  });

  it('a conforming output passes, and onError applies to a violation', async () => {
    const runtime = testRuntime();
    expect(
      (await runtime.run({ flow: flowWith(stepSchema), input: { n: 1, x: 0 } })).result,
    ).toEqual({ outcome: 'success', result: { n: 1, x: 0 } });
    const handled = flowWith(
      `${stepSchema}\n    onError: { action: useDefault, defaultValue: fell back }`,
    );
    expect((await runtime.run({ flow: handled, input: bad })).result).toEqual({
      outcome: 'success',
      result: 'fell back',
    });
  });

  it('is not enforced with validateInput: false', async () => {
    const { result } = await testRuntime().run({
      flow: flowWith(stepSchema),
      input: bad,
      validateInput: false,
    });
    expect(result).toEqual({ outcome: 'success', result: bad });
  });
});

describe('flow outputSchema', () => {
  const flow = flowWith('', 'outputSchema: { type: object, required: [x] }');

  it('a violating flow output fails the run, listing the violations', async () => {
    expect((await testRuntime().run({ flow, input: bad })).result).toEqual({
      outcome: 'failed',
      error: {
        code: 500,
        message:
          "the flow output does not match its outputSchema: (output) must have required property 'x'",
        data: { violations: [{ path: '', message: "must have required property 'x'" }] },
      },
    });
    expect((await testRuntime().run({ flow, input: { x: 1 } })).result).toEqual({
      outcome: 'success',
      result: { x: 1 },
    });
    expect((await testRuntime().run({ flow, input: bad, validateInput: false })).result).toEqual({
      outcome: 'success',
      result: bad,
    });
  });
});

describe("a component's declared output schema", () => {
  const declaring: PluginFactory = ({ name }) => ({
    name,
    listComponents: async () => [
      { component: '/echo', output_schema: { type: 'object', required: ['x'] } },
    ],
    execute: async ({ input }): Promise<FlowResult> => ({ outcome: 'success', result: input }),
    close: async () => undefined,
  });

  it('a violating output fails the step, naming the component', async () => {
    const runtime = testRuntime({ pluginFactories: { scripted: declaring } });
    const { result } = await runtime.run({ flow: flowWith(''), input: bad });
    expect(result).toMatchObject({
      outcome: 'failed',
      error: {
        message: 'step "s" failed',
        data: {
          cause: {
            message:
              "the output of component '/echo' (plugin 'test') does not match the output_schema it declares: (output) must have required property 'x'",
          },
        },
      },
    });
    expect((await runtime.run({ flow: flowWith(''), input: { x: 1 } })).result).toEqual({
      outcome: 'success',
      result: { x: 1 },
    });
    expect(
      (await runtime.run({ flow: flowWith(''), input: bad, validateInput: false })).result,
    ).toEqual({ outcome: 'success', result: bad });
  });

  it('applies to the mock plugin schemas of the config', async () => {
    const mock = {
      '/one': {
        output_schema: { type: 'object', properties: { output: { type: 'string' } } },
        behaviors: { '"x"': { outcome: 'success', result: { output: 3 } } },
      },
    };
    const flow = yamlFlow(`
steps:
  - { id: s, component: /mock/one, input: x }
output: { $from: { step: s } }
`);
    const { result } = await testRuntime({ mock }).run({ flow, input: {} });
    expect(JSON.stringify(result)).toContain(
      "the output of component '/one' (plugin 'mock') does not match the output_schema it declares: /output must be string",
    );
  });
});

function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

describe('deeply nested values', () => {
  it.each([5_000, 100_000])('refuse an input %i levels deep before running', async (levels) => {
    const run = testRuntime().run({ flow: flowWith(''), input: nested(levels) });
    await expect(run).rejects.toThrow(InputValidationError);
    await expect(run).rejects.toThrow(
      `The flow input is nested too deeply:\n  - (input): arrays and objects are nested more than ${MAX_VALUE_DEPTH} levels deep (the limit)`,
    );
    const unvalidated = testRuntime().run({
      flow: flowWith(''),
      input: nested(levels),
      validateInput: false,
    });
    await expect(unvalidated).rejects.toThrow(InputValidationError);
  });

  it.each([5_000, 100_000])('a step output %i levels deep is a step failure', async (levels) => {
    const runtime = testRuntime({
      handler: () => ({ outcome: 'success', result: nested(levels) }),
    });
    const { result } = await runtime.run({ flow: flowWith(''), input: {} });
    expect(result).toMatchObject({
      outcome: 'failed',
      error: {
        message: 'step "s" failed',
        data: {
          cause: {
            message: `the output of component '/echo' is nested more than ${MAX_VALUE_DEPTH} levels deep (the limit)`,
          },
        },
      },
    });
    const skipping = flowWith('    onError: { action: skip }');
    expect((await runtime.run({ flow: skipping, input: {} })).result).toEqual({
      outcome: 'skipped',
    });
  });

  it('a value at the limit passes', async () => {
    const value = nested(MAX_VALUE_DEPTH);
    const { result } = await testRuntime().run({ flow: flowWith(''), input: value });
    expect(result).toEqual({ outcome: 'success', result: value });
  });
});
