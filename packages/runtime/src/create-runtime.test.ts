import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  FlowValidationError,
  InputValidationError,
  createRuntime,
  flowIdOf,
} from './index.ts';
import { eventLog, testRuntime, yamlFlow } from '../test/helpers.ts';

describe('reference resolution (§14 row 2)', () => {
  const flow = yamlFlow(`
steps:
  - id: load
    component: /test/echo
    input: { items: [{ id: 7, "b.c": "dotted" }], plain: { x: 1 }, "a.b": "verbatim" }
output:
  whole: { $from: { workflow: input } }
  field: { $from: { workflow: input }, path: name }
  nested: { $from: { step: load }, path: "$.items[0].id" }
  quoted: { $from: { step: load }, path: "$.items[0][\\"b.c\\"]" }
  bare: { $from: { step: load }, path: "a.b" }
  dollar: { $from: { step: load }, path: "$" }
  doubleDot: { $from: { step: load }, path: "$..plain.x" }
`);

  it('resolves input and step references with the exact path grammar', async () => {
    const runtime = testRuntime();
    const { result } = await runtime.run({ flow, input: { name: 'Ada' } });
    expect(result).toEqual({
      outcome: 'success',
      result: {
        whole: { name: 'Ada' },
        field: 'Ada',
        nested: 7,
        quoted: 'dotted',
        bare: 'verbatim',
        dollar: { items: [{ id: 7, 'b.c': 'dotted' }], plain: { x: 1 }, 'a.b': 'verbatim' },
        doubleDot: 1,
      },
    });
  });

  it('a present null field resolves to null', async () => {
    const f = yamlFlow(`output: { $from: { workflow: input }, path: a }`);
    expect((await testRuntime().run({ flow: f, input: { a: null } })).result).toEqual({
      outcome: 'success',
      result: null,
    });
  });

  it('a missing field in the output fails the run naming the expression and path', async () => {
    const f = yamlFlow(`output: { $from: { workflow: input }, path: "$.missing" }`);
    const { result } = await testRuntime().run({ flow: f, input: { a: 1 } });
    expect(result.outcome).toBe('failed');
    if (result.outcome !== 'failed') return;
    expect(result.error.code).toBe(500);
    expect(result.error.message).toContain('failed to resolve workflow output');
    expect(result.error.message).toContain("{$from: {workflow: input}, path: '$.missing'}");
    expect(result.error.message).toContain("field 'missing' not found");
  });

  it('a missing field in a step input is a step failure naming the step, expression and path', async () => {
    const f = yamlFlow(`
steps:
  - id: s
    component: /test/x
    input: { $from: { workflow: input }, path: "$.a[3]" }
output: { $from: { step: s } }
`);
    const { result } = await testRuntime().run({ flow: f, input: { a: [1] } });
    expect(result).toMatchObject({
      outcome: 'failed',
      error: { code: 500, message: 'step "s" failed' },
    });
    const data = (result as { error: { data: { cause: { message: string } } } }).error.data;
    expect(data.cause.message).toContain("failed to resolve input for step 's'");
    expect(data.cause.message).toContain('index 3 out of range');
    expect(data.cause.message).toContain("path: '$.a[3]'");
  });

  it('indexing a non-array and reading a field of a non-object are failures, not null', async () => {
    for (const path of ['$[0]', '$.a.b']) {
      const f = yamlFlow(`output: { $from: { workflow: input }, path: "${path}" }`);
      const { result } = await testRuntime().run({ flow: f, input: { a: 'text' } });
      expect(result.outcome).toBe('failed');
    }
  });
});

describe('$literal (§14 row 3)', () => {
  it('returns its contents verbatim, including embedded $from, which are not dependencies', async () => {
    const f = yamlFlow(`
steps:
  - id: a
    component: /test/echo
    input: { $literal: { $from: { step: nowhere } } }
output:
  a: { $from: { step: a } }
  deep: [1, { $literal: { $from: { workflow: input } } }]
`);
    const { result } = await testRuntime().run({ flow: f, input: {} });
    expect(result).toEqual({
      outcome: 'success',
      result: { a: { $from: { step: 'nowhere' } }, deep: [1, { $from: { workflow: 'input' } }] },
    });
  });
});

describe('skip semantics (§14 row 4, DECISIONS 10)', () => {
  const skipFlow = (condition: string): ReturnType<typeof yamlFlow> =>
    yamlFlow(`
steps:
  - id: s
    component: /test/echo
    skipIf: ${condition}
    input: ran
output: { $from: { step: s } }
`);

  it.each([
    ['false', 'success'],
    ['0', 'success'],
    ['""', 'success'],
    ['null', 'success'],
    ['true', 'skipped'],
    ['1', 'skipped'],
    ['"no"', 'skipped'],
    ['{ $literal: {} }', 'skipped'],
    ['{ $literal: [] }', 'skipped'],
  ])('literal skipIf %s → %s', async (condition, outcome) => {
    const { result } = await testRuntime().run({ flow: skipFlow(condition), input: {} });
    expect(result.outcome).toBe(outcome);
  });

  it.each([
    [false, 'success'],
    [0, 'success'],
    ['', 'success'],
    [null, 'success'],
    [{}, 'skipped'],
    [[], 'skipped'],
    ['x', 'skipped'],
  ])('skipIf reference resolving to %j → %s', async (value, outcome) => {
    const f = skipFlow('{ $from: { workflow: input }, path: flag }');
    const { result } = await testRuntime().run({ flow: f, input: { flag: value } });
    expect(result.outcome).toBe(outcome);
  });

  it('a missing skipIf field fails the step', async () => {
    const f = skipFlow('{ $from: { workflow: input }, path: flag }');
    const { result } = await testRuntime().run({ flow: f, input: {} });
    expect(result).toMatchObject({ outcome: 'failed', error: { message: 'step "s" failed' } });
    expect(JSON.stringify(result)).toContain('failed to resolve skip_if');
  });

  it('skips propagate transitively; a skipped output has no reason', async () => {
    const f = yamlFlow(`
steps:
  - id: a
    component: /test/echo
    skipIf: true
    input: 1
  - id: b
    component: /test/echo
    input: { x: { $from: { step: a } } }
  - id: c
    component: /test/echo
    input: [{ $from: { step: b }, path: x }]
output: { c: { $from: { step: c } } }
`);
    const log = eventLog();
    const { result } = await testRuntime().run({ flow: f, input: {}, onEvent: log.onEvent });
    expect(result).toStrictEqual({ outcome: 'skipped' });
    const completed = log.events.filter((e) => e.type === 'stepCompleted');
    expect(completed.map((e) => [e.stepId, e.result.outcome, e.attempt])).toEqual([
      ['a', 'skipped', 0],
      ['b', 'skipped', 0],
      ['c', 'skipped', 0],
    ]);
    expect(log.events.some((e) => e.type === 'stepStarted')).toBe(false);
  });

  it('onSkip useDefault substitutes defaultValue (or null) after the path', async () => {
    const f = yamlFlow(`
steps:
  - id: a
    component: /test/echo
    skipIf: true
output:
  withDefault: { $from: { step: a }, path: "$.deep.x", onSkip: { action: useDefault, defaultValue: { fallback: true } } }
  withNull: { $from: { step: a }, onSkip: { action: useDefault } }
  notATemplate: { $from: { step: a }, onSkip: { action: useDefault, defaultValue: { $from: { workflow: input } } } }
`);
    const { result } = await testRuntime().run({ flow: f, input: {} });
    expect(result).toEqual({
      outcome: 'success',
      result: {
        withDefault: { fallback: true },
        withNull: null,
        notATemplate: { $from: { workflow: 'input' } },
      },
    });
  });

  it('a skipIf referencing a skipped or failed step does not skip', async () => {
    const f = yamlFlow(`
steps:
  - id: skipped
    component: /test/echo
    skipIf: true
  - id: failing
    component: /mock/fail
    input: x
  - id: a
    component: /test/echo
    skipIf: { $from: { step: skipped } }
    input: ran-a
  - id: b
    component: /test/echo
    skipIf: { $from: { step: failing } }
    input: ran-b
output: [{ $from: { step: a } }, { $from: { step: b } }]
`);
    const runtime = testRuntime({
      mock: {
        '/fail': { behaviors: { '"x"': { outcome: 'failed', error: { code: 1, message: 'no' } } } },
      },
    });
    expect((await runtime.run({ flow: f, input: {} })).result).toEqual({
      outcome: 'success',
      result: ['ran-a', 'ran-b'],
    });
  });
});

describe('flow outcome = output resolution (§14 rows 6-7)', () => {
  const mock = {
    '/fail': { behaviors: { '"x"': { outcome: 'failed', error: { code: 8, message: 'error' } } } },
    '/crash': { behaviors: { '"x"': { error: 'boom' } } },
  };

  it('surfaces a referenced component-reported failure verbatim', async () => {
    const f = yamlFlow(`
steps:
  - { id: s, component: /mock/fail, input: x }
output: { r: { $from: { step: s } } }
`);
    expect((await testRuntime({ mock }).run({ flow: f, input: {} })).result).toEqual({
      outcome: 'failed',
      error: { code: 8, message: 'error' },
    });
  });

  it('an unreferenced failed step does not fail the flow', async () => {
    const f = yamlFlow(`
steps:
  - { id: s, component: /mock/fail, input: x }
  - { id: t, component: /mock/crash, input: x }
output: ok
`);
    expect((await testRuntime({ mock }).run({ flow: f, input: {} })).result).toEqual({
      outcome: 'success',
      result: 'ok',
    });
  });

  it('infrastructure failures become {code 500, step "<id>" failed} with the cause in data', async () => {
    const f = yamlFlow(`
steps:
  - { id: s, component: /mock/crash, input: x }
output: { $from: { step: s } }
`);
    const { result } = await testRuntime({ mock }).run({ flow: f, input: {} });
    expect(result).toMatchObject({
      outcome: 'failed',
      error: { code: 500, message: 'step "s" failed', data: { cause: { message: 'boom' } } },
    });
  });

  it('a consumer of a failed step fails naming the consumer', async () => {
    const f = yamlFlow(`
steps:
  - { id: s, component: /mock/fail, input: x }
  - { id: consumer, component: /test/echo, input: { $from: { step: s } } }
output: { $from: { step: consumer } }
`);
    const { result } = await testRuntime({ mock }).run({ flow: f, input: {} });
    expect(result).toMatchObject({
      outcome: 'failed',
      error: {
        code: 500,
        message: 'step "consumer" failed: step "s" failed: error',
        data: { dependency: 's', cause: { code: 8 } },
      },
    });
  });

  it('an unknown component (no route) fails the step', async () => {
    const f = yamlFlow(`
steps:
  - { id: s, component: /nowhere/x }
output: { $from: { step: s } }
`);
    const { result } = await testRuntime().run({ flow: f, input: {} });
    expect(result).toMatchObject({
      outcome: 'failed',
      error: { code: 500, message: 'step "s" failed' },
    });
    expect(JSON.stringify(result)).toContain("No route matches component '/nowhere/x'");
  });

  it('no output means success with null; output keys keep template order', async () => {
    expect((await testRuntime().run({ flow: yamlFlow('steps: []'), input: {} })).result).toEqual({
      outcome: 'success',
      result: null,
    });
    const f = yamlFlow(`output: { z: 1, a: 2, m: 3 }`);
    const { result } = await testRuntime().run({ flow: f, input: {} });
    expect(Object.keys((result as { result: object }).result)).toEqual(['z', 'a', 'm']);
  });
});

describe('run requests', () => {
  it('uses the given run id, the injected id generator and clock, and reports the flow id', async () => {
    const f = yamlFlow(`
steps:
  - { id: s, component: /test/echo, input: 1 }
output: { $from: { step: s } }
`);
    let n = 0;
    const runtime = testRuntime({
      ids: () => `id-${++n}`,
      clock: { now: () => 42, sleep: async () => undefined },
    });
    const log = eventLog();
    const outcome = await runtime.run({ flow: f, input: {}, onEvent: log.onEvent });
    expect(outcome.runId).toBe('id-1');
    expect(outcome.flowId).toBe(flowIdOf(f));
    expect(log.events.map((e) => e.type)).toEqual([
      'runStarted',
      'stepStarted',
      'stepCompleted',
      'runCompleted',
    ]);
    expect(log.events.every((e) => e.at === 42 && e.runId === 'id-1')).toBe(true);
    expect((await runtime.run({ flow: f, input: {}, runId: 'mine' })).runId).toBe('mine');
  });

  it('rejects a flow with fatal diagnostics before running anything', async () => {
    const f = yamlFlow(`
steps:
  - { id: a, component: /test/x, input: { $from: { step: b } } }
  - { id: b, component: /test/x }
`);
    let called = false;
    const runtime = testRuntime({
      handler: () => ((called = true), { outcome: 'success', result: null }),
    });
    const error = await runtime.run({ flow: f, input: {} }).catch((e: unknown) => e);
    expect(FlowValidationError.isInstance(error)).toBe(true);
    expect((error as FlowValidationError).diagnostics[0]?.type).toBe('undefinedStepReference');
    expect(called).toBe(false);
  });

  it('validates the input against inputSchema, listing every violation (DECISIONS 14)', async () => {
    const f = yamlFlow(`
name: typed
inputSchema:
  type: object
  required: [a, b]
  properties: { a: { type: string }, c: { type: integer } }
output: 1
`);
    const runtime = testRuntime();
    const error = await runtime.run({ flow: f, input: { c: 'x' } }).catch((e: unknown) => e);
    expect(InputValidationError.isInstance(error)).toBe(true);
    const violations = (error as InputValidationError).violations;
    expect(violations).toHaveLength(3);
    expect((error as Error).message).toContain("input of flow 'typed'");
    expect((error as Error).message).toContain("must have required property 'a'");
    expect((error as Error).message).toContain('/c: must be integer');
    expect(
      (await runtime.run({ flow: f, input: { c: 'x' }, validateInput: false })).result.outcome,
    ).toBe('success');
    expect((await runtime.run({ flow: f, input: { a: 'x', b: 1 } })).result.outcome).toBe(
      'success',
    );
  });

  it('does not enforce an inputSchema ajv cannot compile; unknown formats are ignored', async () => {
    const broken = yamlFlow(
      `inputSchema: { $ref: "https://example.invalid/schema.json" }\noutput: 1`,
    );
    expect((await testRuntime().run({ flow: broken, input: 'anything' })).result.outcome).toBe(
      'success',
    );
    const formats = yamlFlow(`inputSchema: { type: string, format: email }\noutput: 1`);
    expect((await testRuntime().run({ flow: formats, input: 'not-an-email' })).result.outcome).toBe(
      'success',
    );
  });

  it('lists components of every plugin', async () => {
    const runtime = testRuntime({
      mock: { '/m': { input_schema: { type: 'string' }, behaviors: {} } },
    });
    const listed = await runtime.listComponents();
    expect(listed.filter((c) => c.plugin === 'builtin').map((c) => c.info.component)).toEqual([
      '/put_blob',
      '/get_blob',
      '/eval',
      '/map',
      '/iterate',
      '/load_file',
      '/create_messages',
      '/openai',
      '/ask_human',
      '/sleep',
    ]);
    expect(listed.find((c) => c.plugin === 'mock')?.info).toMatchObject({
      component: '/m',
      input_schema: { type: 'string' },
    });
  });

  it('throws ConfigError for an unknown plugin type or a route to an unknown plugin', () => {
    expect(() =>
      createRuntime({
        config: { plugins: { p: { type: 'nope' } } } as never,
        workingDirectory: '.',
      }),
    ).toThrow(/plugins\.p\.type: no plugin factory for type 'nope'/);
    const bad = {
      plugins: { builtin: { type: 'builtin' } },
      routes: { '/{*component}': [{ plugin: 'ghost' }] },
    };
    const error = (() => {
      try {
        createRuntime({ config: bad as never, workingDirectory: '.' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).field).toBe('routes./{*component}[0].plugin');
  });

  it('without routes, builtins are routed at /builtin/… and /… (DECISIONS 15)', async () => {
    const runtime = createRuntime({
      config: { plugins: { builtin: { type: 'builtin' } } } as never,
      workingDirectory: '.',
    });
    const f = yamlFlow(`
steps:
  - { id: a, component: /builtin/create_messages, input: { user_prompt: hi } }
  - { id: b, component: /create_messages, input: { user_prompt: ho } }
output: [{ $from: { step: a } }, { $from: { step: b } }]
`);
    expect((await runtime.run({ flow: f, input: {} })).result).toEqual({
      outcome: 'success',
      result: [
        { messages: [{ role: 'user', content: 'hi' }] },
        { messages: [{ role: 'user', content: 'ho' }] },
      ],
    });
  });
});
