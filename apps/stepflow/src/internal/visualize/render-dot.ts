import { INPUT_NODE } from '@stepflow/runtime/flow-graph';
import type { FlowGraph, FlowGraphNode } from '@stepflow/runtime/flow-graph';

const EDGE_COLOURS = { input: 'black', skipIf: 'gray', output: 'darkgreen' } as const;

/**
 * Renders a flow graph as Graphviz DOT (`digraph workflow`): edges from the input are blue,
 * between steps black, into the output green, `skipIf` dashed. Render it with `dot -Tsvg`.
 */
export function renderDot(graph: FlowGraph): string {
  const lines = [
    'digraph workflow {',
    '  rankdir=TB;',
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  const ids = new Map(graph.nodes.map((node) => [node.id, dotId(node)]));
  for (const node of graph.nodes) lines.push(`  ${ids.get(node.id)} [${attributes(node)}];`);
  for (const edge of graph.edges) {
    const colour =
      edge.from === INPUT_NODE && edge.via !== 'skipIf' ? 'blue' : EDGE_COLOURS[edge.via];
    const style = edge.via === 'skipIf' ? ', style=dashed, label="skipIf"' : '';
    lines.push(`  ${ids.get(edge.from)} -> ${ids.get(edge.to)} [color=${colour}${style}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** REF's node names: `workflow_input`, `workflow_output`, and the step id for steps. */
function dotId(node: FlowGraphNode): string {
  if (node.kind === 'input') return 'workflow_input';
  if (node.kind === 'output') return 'workflow_output';
  return quote(`step_${node.label}`);
}

function attributes(node: FlowGraphNode): string {
  if (node.kind === 'input') {
    return `label="Input", shape=ellipse, style=filled, fillcolor=lightblue`;
  }
  if (node.kind === 'output') {
    return `label="Output", shape=ellipse, style=filled, fillcolor=lightgreen`;
  }
  return `label=${quote(`${node.label}\n${node.component ?? ''}`)}, shape=box, style=rounded`;
}

/** A DOT quoted id: backslashes and quotes escaped, newlines as `\n`. */
function quote(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
}
