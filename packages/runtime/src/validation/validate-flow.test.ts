import { describe, expect, it } from 'vitest';
import type { StepflowConfig } from '@stepflow/protocol';
import { type Diagnostic, parseFlowText, validateFlow } from '../index.ts';

const SCHEMA = 'schema: https://stepflow.org/schemas/v1/flow.json';

function check(
  body: string,
  options: { config?: StepflowConfig; header?: string } = {},
): Diagnostic[] {
  const header = options.header ?? `${SCHEMA}\nname: n\ndescription: d\n`;
  const loaded = parseFlowText(`${header}${body}`, { fileName: 'flow.yaml' });
  return validateFlow(loaded.flow, {
    file: 'flow.yaml',
    raw: loaded.raw,
    ...(options.config ? { config: options.config } : {}),
  });
}

function only(diagnostics: Diagnostic[], type: string): Diagnostic[] {
  return diagnostics.filter((d) => d.type === type);
}

describe('validateFlow', () => {
  it('a clean flow has no diagnostics', () => {
    expect(check(`steps:\n  - { id: a, component: /x }\noutput: { $from: { step: a } }\n`)).toEqual(
      [],
    );
  });

  it('duplicateStepId and emptyStepId are fatal and name file, step and field', () => {
    const d = check(
      `steps:\n  - { id: a, component: /x }\n  - { id: a, component: /x }\n  - { id: " ", component: /x }\noutput: { $from: { step: a } }\n`,
    );
    expect(only(d, 'duplicateStepId')).toEqual([
      {
        level: 'fatal',
        type: 'duplicateStepId',
        message: "Duplicate step ID: 'a'",
        path: ['steps', 1, 'id'],
        file: 'flow.yaml',
        stepId: 'a',
        field: 'id',
      },
    ]);
    expect(only(d, 'emptyStepId')).toMatchObject([
      { level: 'fatal', path: ['steps', 2, 'id'], field: 'id' },
    ]);
  });

  it('self, undefined and forward references are fatal (input, skipIf, onError.defaultValue)', () => {
    const d = check(`steps:
  - id: a
    component: /x
    input: { $from: { step: a } }
  - id: b
    component: /x
    skipIf: { $from: { step: c } }
    input: { $from: { step: ghost } }
  - id: c
    component: /x
    onError: { action: useDefault, defaultValue: { $from: { step: c } } }
output: [{ $from: { step: b } }, { $from: { step: nowhere } }]
`);
    expect(only(d, 'selfReference').map((x) => [x.stepId, x.field, x.message])).toEqual([
      ['a', 'input', "Step 'a' cannot reference itself (in input)"],
      ['c', 'onError.defaultValue', "Step 'c' cannot reference itself (in onError.defaultValue)"],
    ]);
    const undefinedRefs = only(d, 'undefinedStepReference');
    expect(undefinedRefs.map((x) => [x.stepId, x.field])).toEqual([
      ['b', 'input'],
      ['b', 'skipIf'],
      [undefined, 'output'],
    ]);
    expect(undefinedRefs[1]?.message).toContain("'c' is declared later");
    expect(undefinedRefs.every((x) => x.level === 'fatal')).toBe(true);
  });

  it('bad paths are fatal with the REF message, naming step and field', () => {
    const d = check(
      `steps:\n  - id: a\n    component: /x\n    input: { v: { $from: { workflow: input }, path: "$[x]" } }\noutput: { $from: { step: a }, path: "$a" }\n`,
    );
    const paths = only(d, 'invalidPath');
    expect(paths.map((x) => [x.level, x.stepId, x.field, x.path])).toEqual([
      ['fatal', 'a', 'input', ['steps', 0, 'input', 'v', 'path']],
      ['fatal', undefined, 'output', ['output', 'path']],
    ]);
    expect(paths[0]?.message).toContain("Invalid index 'x' in JSON path");
  });

  it('malformed $from is fatal', () => {
    const d = check(
      `steps:\n  - { id: a, component: /x, input: { $from: input } }\noutput: { $from: { step: a } }\n`,
    );
    expect(only(d, 'invalidExpression')).toMatchObject([
      { level: 'fatal', stepId: 'a', field: 'input' },
    ]);
  });

  it('components must start with / (error), exist (fatal) and match a route when a config is given (error)', () => {
    const config = {
      plugins: { builtin: { type: 'builtin' } },
      routes: { '/builtin/{*component}': [{ plugin: 'builtin' }] },
    } as unknown as StepflowConfig;
    const d = check(
      `steps:\n  - { id: a, component: eval }\n  - { id: b, component: /python/x }\n  - { id: c, component: /builtin/eval }\n  - { id: e }\noutput: [{ $from: { step: a } }, { $from: { step: b } }, { $from: { step: c } }, { $from: { step: e } }]\n`,
      { config },
    );
    expect(only(d, 'invalidComponent')).toMatchObject([
      {
        level: 'error',
        stepId: 'a',
        message: "Invalid component 'eval' in step 'a': Component path must start with '/'",
      },
    ]);
    expect(only(d, 'unknownComponent')).toMatchObject([
      { level: 'error', stepId: 'b', field: 'component' },
    ]);
    expect(only(d, 'missingComponent')).toMatchObject([{ level: 'fatal', stepId: 'e' }]);
  });

  it('a component that a builtin or mock plugin certainly lacks is an error with a did-you-mean', () => {
    const config = {
      plugins: {
        builtin: { type: 'builtin' },
        mock: { type: 'mock', components: { '/ask': {} } },
        python: { type: 'stepflow', transport: 'stdio', command: 'python' },
      },
      routes: {
        '/builtin/{*component}': [{ plugin: 'builtin' }],
        '/mock/{*component}': [{ plugin: 'mock' }],
        '/py/{*component}': [{ plugin: 'python' }],
        '/either/{*component}': [
          { plugin: 'python', conditions: [{ path: 'x', value: 1 }] },
          { plugin: 'builtin' },
        ],
        '/{*component}': [{ plugin: 'builtin' }],
      },
    } as unknown as StepflowConfig;
    const d = check(
      `steps:
  - { id: a, component: /builtin/create_mesages }
  - { id: b, component: /nosuch/thing }
  - { id: c, component: /mock/aks }
  - { id: d, component: /py/anything }
  - { id: e, component: /either/anything }
  - { id: f, component: /builtin/eval }
  - { id: g, component: /py/trasnform }
output: [{ $from: { step: a } }, { $from: { step: b } }, { $from: { step: c } }, { $from: { step: d } }, { $from: { step: e } }, { $from: { step: f } }, { $from: { step: g } }]
`,
      { config },
    );
    expect(only(d, 'unknownComponent').map((x) => [x.level, x.stepId, x.message])).toEqual([
      [
        'error',
        'a',
        "Step 'a' uses component '/builtin/create_mesages', but plugin 'builtin' has no component '/create_mesages' (did you mean '/builtin/create_messages'?)",
      ],
      [
        'error',
        'b',
        "Step 'b' uses component '/nosuch/thing', but plugin 'builtin' has no component '/nosuch/thing'",
      ],
      [
        'error',
        'c',
        "Step 'c' uses component '/mock/aks', but plugin 'mock' has no component '/aks' (did you mean '/mock/ask'?)",
      ],
    ]);
    // With the list of a component server (fetched by `validate --check-components`).
    const loaded = parseFlowText(
      `${SCHEMA}
steps:
  - { id: g, component: /py/trasnform }
output: { $from: { step: g } }
`,
    );
    const listed = validateFlow(loaded.flow, {
      config,
      componentLists: new Map([['python', ['/transform']]]),
    });
    expect(only(listed, 'unknownComponent')[0]?.message).toBe(
      "Step 'g' uses component '/py/trasnform', but plugin 'python' has no component '/trasnform' (did you mean '/py/transform'?)",
    );
  });

  it('reports bad routes in the given config', () => {
    const config = {
      plugins: {},
      routes: { '/{*component}': [{ plugin: 'ghost' }] },
    } as unknown as StepflowConfig;
    const d = check(`steps: []\n`, { config });
    expect(only(d, 'invalidRouteReference')[0]?.message).toBe(
      "Routing rule 0 for path '/{*component}' references unknown plugin 'ghost'",
    );
  });

  it('near misses of known keys are fatal with a did-you-mean; other unknown keys warn', () => {
    const d = check(`descripton: typo
steps:
  - id: a
    component: /x
    skip: true
    inptu: 1
    onError: { action: retry, maxAtempts: 2, backoff: { initalMs: 1 } }
    depends_on: [b]
output: { $from: { step: a }, pathh: x }
`);
    const misspelt = only(d, 'misspelledKey');
    const ignored = ': as written it would be ignored';
    expect(misspelt.map((x) => x.message)).toEqual([
      `Unknown key 'descripton' in the flow (did you mean 'description'?)${ignored}`,
      `Unknown key 'skip' in step 'a' (did you mean 'skipIf'?)${ignored}`,
      `Unknown key 'inptu' in step 'a' (did you mean 'input'?)${ignored}`,
      `Unknown key 'maxAtempts' in onError of step 'a' (did you mean 'maxAttempts'?)${ignored}`,
      `Unknown key 'initalMs' in onError.backoff of step 'a' (did you mean 'initialMs'?)${ignored}`,
      `Unknown key 'pathh' in a reference (did you mean 'path'?)${ignored}`,
    ]);
    expect(misspelt.every((x) => x.level === 'fatal')).toBe(true);
    expect(only(d, 'unknownKey')).toMatchObject([
      {
        level: 'warning',
        message: "Unknown key 'depends_on' in step 'a'; it is ignored",
        stepId: 'a',
        field: 'depends_on',
      },
    ]);
  });

  it('a misspelt timeoutMs, input or onError is fatal, so the flow never runs without it', () => {
    const d = check(`steps:
  - id: a
    component: /x
    timeoutMS: 100
    inputs: { $from: { workflow: input } }
    onErorr: { action: skip }
    metadataVersion: 2
output: { $from: { step: a } }
`);
    expect(only(d, 'misspelledKey')).toMatchObject([
      { level: 'fatal', stepId: 'a', field: 'timeoutMS', path: ['steps', 0, 'timeoutMS'] },
      { level: 'fatal', stepId: 'a', field: 'inputs' },
      { level: 'fatal', stepId: 'a', field: 'onErorr' },
    ]);
    expect(only(d, 'misspelledKey')[0]?.message).toContain("(did you mean 'timeoutMs'?)");
    // Starting like a known key is not a misspelling of it.
    expect(only(d, 'unknownKey')).toMatchObject([{ level: 'warning', field: 'metadataVersion' }]);
  });

  it('an unknown $ key in a template is an error, fatal with a did-you-mean when a near miss', () => {
    const d = check(`steps:
  - id: a
    component: /x
    input:
      name: { $form: { workflow: input } }
      list: [{ $literall: 1 }]
      old: { $input: name }
      schema: { $schema: "https://json-schema.org/draft/2020-12/schema", $ref: "#/$defs/x" }
      data: { $literal: { $anything: 1 } }
    skipIf: { $fromm: { workflow: input } }
output: { $from: { step: a }, onSkip: { action: useDefault } }
`);
    expect(
      only(d, 'unknownExpressionKey').map((x) => [x.level, x.path.join('.'), x.message]),
    ).toEqual([
      [
        'fatal',
        'steps.0.input.name.$form',
        "Unknown expression key '$form' in step 'a' input (did you mean '$from'?): as written the object would be passed on as plain data",
      ],
      [
        'fatal',
        'steps.0.input.list.0.$literall',
        "Unknown expression key '$literall' in step 'a' input (did you mean '$literal'?): as written the object would be passed on as plain data",
      ],
      [
        'error',
        'steps.0.input.old.$input',
        "Unknown expression key '$input' in step 'a' input: only $from and $literal are expressions (to pass the object on as data, wrap it in {$literal: …})",
      ],
      [
        'fatal',
        'steps.0.skipIf.$fromm',
        "Unknown expression key '$fromm' in step 'a' skipIf (did you mean '$from'?): as written the object would be passed on as plain data",
      ],
    ]);
  });

  it('reports snake_case aliases as warnings (DECISIONS 8)', () => {
    const d = check(
      `steps:\n  - { id: a, component: /x, skip_if: false, input_schema: null }\noutput: { $from: { step: a } }\n`,
    );
    expect(only(d, 'aliasUsed').map((x) => x.message)).toEqual([
      "'skip_if' in step 'a' is an alias: write 'skipIf'",
      "'input_schema' in step 'a' is an alias: write 'inputSchema'",
    ]);
  });

  it('warns about a missing name/description and unreachable steps', () => {
    const d = check(
      `steps:\n  - { id: a, component: /x }\n  - { id: b, component: /x }\noutput: { $from: { step: b } }\n`,
      { header: `${SCHEMA}\n` },
    );
    expect(d.map((x) => [x.type, x.level])).toEqual([
      ['missingWorkflowName', 'warning'],
      ['missingWorkflowDescription', 'warning'],
      ['unreachableStep', 'warning'],
    ]);
    expect(d[2]?.message).toBe(
      "Step 'a' is not referenced by any other step or workflow output (it still runs)",
    );
  });

  it('a flow that is not an object is fatal', () => {
    expect(validateFlow([] as never)).toMatchObject([{ level: 'fatal', type: 'invalidFlow' }]);
  });

  it('requires the schema URL', () => {
    expect(
      only(check('steps: []\n', { header: 'name: n\ndescription: d\n' }), 'invalidFlowSchema')[0],
    ).toMatchObject({ level: 'fatal', field: 'schema' });
    expect(
      only(
        check('steps: []\n', { header: 'schema: v2\nname: n\ndescription: d\n' }),
        'invalidFlowSchema',
      )[0]?.message,
    ).toBe('Unsupported flow schema "v2" (expected \'https://stepflow.org/schemas/v1/flow.json\')');
  });

  it('checks structure: steps, onError, retry settings and timeoutMs', () => {
    expect(only(check('steps: {}\n'), 'invalidField')[0]?.message).toBe(
      "'steps' must be a list of steps",
    );
    const d = check(`steps:
  - 42
  - id: a
    component: /x
    onError: { action: explode }
  - id: b
    component: /x
    onError: { action: retry, maxAttempts: 0, backoff: { initialMs: -1 } }
    timeoutMs: -5
output: [{ $from: { step: a } }, { $from: { step: b } }]
`);
    expect(only(d, 'invalidErrorAction')).toMatchObject([
      { level: 'fatal', stepId: 'a', field: 'onError' },
    ]);
    expect(only(d, 'invalidField').map((x) => x.field ?? x.message)).toEqual([
      'Step 0 must be an object',
      'onError.maxAttempts',
      'onError.backoff.initialMs',
      'timeoutMs',
    ]);
  });

  it('warns when a skipIf may resolve to null (DECISIONS 10: null does not skip)', () => {
    const d = check(`inputSchema:
  type: object
  properties: { flag: { type: [boolean, "null"] }, strict: { type: boolean } }
steps:
  - { id: a, component: /x, skipIf: { $from: { workflow: input }, path: flag } }
  - { id: b, component: /x, skipIf: { $from: { workflow: input }, path: strict } }
  - { id: c, component: /x, outputSchema: { anyOf: [{ type: "null" }, { type: boolean }] } }
  - { id: d, component: /x, skipIf: { $from: { step: c } } }
output: [{ $from: { step: a } }, { $from: { step: b } }, { $from: { step: d } }]
`);
    expect(only(d, 'skipIfNull').map((x) => [x.level, x.stepId])).toEqual([
      ['warning', 'a'],
      ['warning', 'd'],
    ]);
  });

  it('checks the types of top-level fields', () => {
    const d = check('version: 2\nmetadata: [1]\nexamples: {}\ntest: 3\nsteps: []\n');
    expect(only(d, 'invalidField').map((x) => [x.level, x.field])).toEqual([
      ['error', 'version'],
      ['error', 'metadata'],
      ['error', 'test'],
      ['error', 'examples'],
    ]);
  });

  it('warns about step and flow schemas that are not valid JSON Schema', () => {
    const d = check(
      `inputSchema: { type: 12 }\nsteps:\n  - { id: a, component: /x, outputSchema: { type: [nope] } }\noutput: { $from: { step: a } }\n`,
    );
    expect(only(d, 'invalidSchema').map((x) => [x.level, x.field, x.stepId])).toEqual([
      ['warning', 'inputSchema', undefined],
      ['warning', 'outputSchema', 'a'],
    ]);
    const [flowSchema, stepSchema] = only(d, 'invalidSchema').map((x) => x.message);
    expect(flowSchema).toMatch(/^The flow's inputSchema is not a valid JSON Schema: ./);
    expect(stepSchema).toMatch(/^Step 'a': outputSchema is not a valid JSON Schema: ./);
  });
});
