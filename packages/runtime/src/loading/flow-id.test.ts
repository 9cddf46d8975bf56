import { blobIdOf } from '@stepflow/blob-store';
import { describe, expect, it } from 'vitest';
import { flowIdOf, parseFlowText, serializeFlow } from '../index.ts';

const SCHEMA = 'https://stepflow.org/schemas/v1/flow.json';

describe('serializeFlow (§1.7)', () => {
  it('orders keys as REF, emits step schemas as null, omits absent/empty fields', () => {
    const flow = {
      metadata: {},
      steps: [{ input: { a: 1 }, component: '/x', id: 's', metadata: {} }],
      name: 'n',
      schema: SCHEMA,
      output: { $from: { step: 's' } },
    };
    expect(JSON.stringify(serializeFlow(flow as never))).toBe(
      `{"schema":"${SCHEMA}","name":"n","steps":[{"id":"s","component":"/x","inputSchema":null,"outputSchema":null,"input":{"a":1}}],"output":{"$from":{"step":"s"}}}`,
    );
  });

  it('normalises paths, drops empty paths and keeps onSkip, $literal and onError', () => {
    const flow = {
      schema: SCHEMA,
      steps: [
        {
          id: 's',
          component: '/x',
          skipIf: { path: 'flag', $from: { workflow: 'input' } },
          onError: { defaultValue: 0, action: 'useDefault' },
          input: [
            { $from: { step: 'a' }, path: '$["b"]' },
            { $from: { step: 'a' }, path: '' },
            {
              $from: { step: 'a' },
              path: 'x.y',
              onSkip: { action: 'useDefault', defaultValue: 1 },
            },
            { $literal: { $from: 1 }, ignored: true },
          ],
        },
      ],
    };
    const out = serializeFlow(flow as never) as { steps: Record<string, unknown>[] };
    expect(out.steps[0]).toEqual({
      id: 's',
      component: '/x',
      inputSchema: null,
      outputSchema: null,
      skipIf: { $from: { workflow: 'input' }, path: '$.flag' },
      onError: { action: 'useDefault', defaultValue: 0 },
      input: [
        { $from: { step: 'a' }, path: '$.b' },
        { $from: { step: 'a' } },
        {
          $from: { step: 'a' },
          path: '$["x.y"]',
          onSkip: { action: 'useDefault', defaultValue: 1 },
        },
        { $literal: { $from: 1 } },
      ],
    });
    expect(Object.keys(out.steps[0]!)).toEqual([
      'id',
      'component',
      'inputSchema',
      'outputSchema',
      'skipIf',
      'onError',
      'input',
    ]);
  });
});

describe('flowIdOf', () => {
  it('is the blob id of the serialisation, the same for YAML and JSON spellings', () => {
    const yaml = parseFlowText(
      `schema: ${SCHEMA}\nname: n\nsteps:\n  - id: s\n    component: /x\n    input_schema: null\n`,
    ).flow;
    const json = parseFlowText(
      JSON.stringify({ name: 'n', schema: SCHEMA, steps: [{ component: '/x', id: 's' }] }),
      { fileName: 'f.json' },
    ).flow;
    expect(flowIdOf(yaml)).toBe(flowIdOf(json));
    expect(flowIdOf(yaml)).toBe(blobIdOf(serializeFlow(yaml)));
    expect(flowIdOf(yaml)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when the flow changes', () => {
    const a = parseFlowText(`schema: ${SCHEMA}\nname: a\n`).flow;
    const b = parseFlowText(`schema: ${SCHEMA}\nname: b\n`).flow;
    expect(flowIdOf(a)).not.toBe(flowIdOf(b));
  });
});
