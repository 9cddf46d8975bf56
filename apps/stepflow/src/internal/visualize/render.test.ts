import { describe, expect, it } from 'vitest';
import { buildFlowGraph } from '@stepflow/runtime/flow-graph';
import { renderDot } from './render-dot.ts';
import { renderMermaid } from './render-mermaid.ts';

const flow = {
  steps: [
    {
      id: 'greet',
      component: '/builtin/create_messages',
      input: { user_prompt: { $from: { workflow: 'input' }, path: 'name' } },
    },
    {
      id: 'again',
      component: '/builtin/create_messages',
      skipIf: { $from: { step: 'greet' }, path: 'skip' },
      input: {
        a: { $from: { step: 'greet' } },
        b: { $from: { step: 'greet' }, path: 'x' },
        hidden: { $literal: { $from: { step: 'nope' } } },
      },
    },
  ],
  output: { x: { $from: { step: 'again' } }, y: [{ $from: { workflow: 'input' } }] },
};

describe('buildFlowGraph', () => {
  it('finds one edge per distinct reference, ignoring $literal', () => {
    const graph = buildFlowGraph(flow);
    expect(graph.nodes.map((node) => node.id)).toEqual([
      'input',
      'step:greet',
      'step:again',
      'output',
    ]);
    expect(graph.edges).toEqual([
      { from: 'input', to: 'step:greet', via: 'input' },
      { from: 'step:greet', to: 'step:again', via: 'input' },
      { from: 'step:greet', to: 'step:again', via: 'skipIf' },
      { from: 'step:again', to: 'output', via: 'output' },
      { from: 'input', to: 'output', via: 'output' },
    ]);
  });

  it('keeps a step named like the input node distinct from it', () => {
    const graph = buildFlowGraph({ steps: [{ id: 'input', component: '/x' }] });
    expect(new Set(graph.nodes.map((node) => node.id)).size).toBe(3);
  });
});

describe('renderers', () => {
  it('renders Mermaid with dashed skipIf edges', () => {
    expect(renderMermaid(buildFlowGraph(flow))).toMatchInlineSnapshot(`
      "flowchart TD
        n0(["Input"])
        n1["greet<br/><small>/builtin/create_messages</small>"]
        n2["again<br/><small>/builtin/create_messages</small>"]
        n3(["Output"])
        n0 --> n1
        n1 --> n2
        n1 -. skipIf .-> n2
        n2 --> n3
        n0 --> n3
        classDef io fill:#eef,stroke:#557;
        class n0,n3 io;
      "
    `);
  });

  it('renders DOT with REF node names and escapes quotes', () => {
    const dot = renderDot(
      buildFlowGraph({
        steps: [{ id: 'say "hi"', component: '/x', input: { $from: { workflow: 'input' } } }],
      }),
    );
    expect(dot).toContain('digraph workflow {');
    expect(dot).toContain('"step_say \\"hi\\"" [label="say \\"hi\\"\\n/x"');
    expect(dot).toContain('workflow_input -> "step_say \\"hi\\"" [color=blue];');
    expect(dot.trimEnd().endsWith('}')).toBe(true);
  });
});
