import { OUTPUT_NODE } from '@stepflow/runtime/flow-graph';
import type { FlowGraph, FlowGraphEdge, FlowGraphNode } from '@stepflow/runtime/flow-graph';

/** A node placed on the canvas (top-left corner and size, in pixels). */
export interface PlacedNode {
  readonly node: FlowGraphNode;
  readonly layer: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** An edge as a path from the bottom of `from` to the top of `to`. */
export interface PlacedEdge {
  readonly edge: FlowGraphEdge;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

/** A laid-out graph and the size of the canvas it needs. */
export interface GraphLayout {
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
  readonly width: number;
  readonly height: number;
}

/** Sizes of the layout, in pixels. */
export interface GraphLayoutOptions {
  readonly nodeWidth?: number;
  readonly nodeHeight?: number;
  readonly gapX?: number;
  readonly gapY?: number;
}

/**
 * Lays a flow graph out top to bottom in layers: a node sits one layer below the deepest node it
 * reads from (input on top, output at the bottom), and nodes within a layer are ordered by the
 * mean position of what they read, which keeps edges short and mostly uncrossed. Edges that close
 * a cycle (never valid in a flow, but a graph may still be drawn from a broken one) are ignored
 * for layering.
 */
export function layoutFlowGraph(graph: FlowGraph, options: GraphLayoutOptions = {}): GraphLayout {
  const nodeWidth = options.nodeWidth ?? 180;
  const nodeHeight = options.nodeHeight ?? 48;
  const gapX = options.gapX ?? 32;
  const gapY = options.gapY ?? 48;
  const ids = new Set(graph.nodes.map((n) => n.id));
  const edges = graph.edges.filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to);
  const layers = assignLayers(graph.nodes, edges);
  const byLayer: FlowGraphNode[][] = [];
  for (const node of graph.nodes) (byLayer[layers.get(node.id)!] ??= []).push(node);
  const position = new Map<string, number>();
  const sources = new Map<string, string[]>();
  for (const edge of edges)
    (sources.get(edge.to) ?? sources.set(edge.to, []).get(edge.to)!).push(edge.from);
  const rows = byLayer.filter((row) => row !== undefined);
  for (const row of rows) {
    const weight = (node: FlowGraphNode): number => {
      const from = (sources.get(node.id) ?? []).filter((id) => position.has(id));
      return from.length === 0
        ? Number.POSITIVE_INFINITY
        : from.reduce((sum, id) => sum + position.get(id)!, 0) / from.length;
    };
    const declared = new Map(row.map((node, index) => [node.id, index]));
    row.sort((a, b) => weight(a) - weight(b) || declared.get(a.id)! - declared.get(b.id)!);
    row.forEach((node, index) => position.set(node.id, index));
  }
  const widest = Math.max(1, ...rows.map((row) => row.length));
  const width = widest * nodeWidth + (widest - 1) * gapX;
  const placed = new Map<string, PlacedNode>();
  rows.forEach((row, layer) => {
    const rowWidth = row.length * nodeWidth + (row.length - 1) * gapX;
    const left = (width - rowWidth) / 2;
    row.forEach((node, index) => {
      placed.set(node.id, {
        node,
        layer,
        x: left + index * (nodeWidth + gapX),
        y: layer * (nodeHeight + gapY),
        width: nodeWidth,
        height: nodeHeight,
      });
    });
  });
  const placedEdges = edges.map((edge) => {
    const from = placed.get(edge.from)!;
    const to = placed.get(edge.to)!;
    return {
      edge,
      points: [
        { x: from.x + from.width / 2, y: from.y + from.height },
        { x: to.x + to.width / 2, y: to.y },
      ],
    };
  });
  return {
    nodes: graph.nodes.map((n) => placed.get(n.id)!),
    edges: placedEdges,
    width,
    height: rows.length * nodeHeight + Math.max(0, rows.length - 1) * gapY,
  };
}

/** Longest-path layering from the nodes nothing feeds; the output node goes last. */
function assignLayers(
  nodes: readonly FlowGraphNode[],
  edges: readonly FlowGraphEdge[],
): Map<string, number> {
  const incoming = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const edge of edges) incoming.get(edge.to)!.push(edge.from);
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return -1; // a cycle: this edge does not lift the node
    visiting.add(id);
    let value = 0;
    for (const from of incoming.get(id) ?? []) value = Math.max(value, depth(from) + 1);
    visiting.delete(id);
    layer.set(id, value);
    return value;
  };
  for (const node of nodes) depth(node.id);
  const deepest = Math.max(
    0,
    ...[...layer.entries()].filter(([id]) => id !== OUTPUT_NODE).map(([, l]) => l),
  );
  if (layer.has(OUTPUT_NODE))
    layer.set(OUTPUT_NODE, Math.max(layer.get(OUTPUT_NODE)!, deepest + 1));
  return layer;
}
