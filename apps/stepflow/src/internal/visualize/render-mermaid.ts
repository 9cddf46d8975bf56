import type { FlowGraph, FlowGraphNode } from '@stepflow/runtime/flow-graph';

/** Renders a flow graph as a Mermaid `flowchart` (paste into Markdown or mermaid.live). */
export function renderMermaid(graph: FlowGraph): string {
  const ids = new Map(graph.nodes.map((node, index) => [node.id, `n${index}`]));
  const lines = ['flowchart TD'];
  for (const node of graph.nodes) lines.push(`  ${ids.get(node.id)}${shape(node)}`);
  for (const edge of graph.edges) {
    const from = ids.get(edge.from);
    const to = ids.get(edge.to);
    if (from === undefined || to === undefined) continue;
    lines.push(edge.via === 'skipIf' ? `  ${from} -. skipIf .-> ${to}` : `  ${from} --> ${to}`);
  }
  lines.push('  classDef io fill:#eef,stroke:#557;');
  const io = graph.nodes.filter((node) => node.kind !== 'step').map((node) => ids.get(node.id));
  if (io.length > 0) lines.push(`  class ${io.join(',')} io;`);
  return `${lines.join('\n')}\n`;
}

function shape(node: FlowGraphNode): string {
  if (node.kind !== 'step') return `([${quote(node.label)}])`;
  return `[${quote(`${node.label}<br/><small>${node.component ?? ''}</small>`)}]`;
}

/** Mermaid labels are double-quoted; `"` and markup-significant characters become entities. */
function quote(text: string): string {
  const escaped = text.replaceAll('"', '#quot;');
  return `"${escaped}"`;
}
