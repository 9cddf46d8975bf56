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
 * for layering. Each edge is a list of points, pairs of which (bottom of one slot, top of the
 * next) a renderer joins with a curve, and which it joins with a straight line within a slot.
 */
export function layoutFlowGraph(graph: FlowGraph, options: GraphLayoutOptions = {}): GraphLayout {
  const nodeWidth = options.nodeWidth ?? 180;
  const nodeHeight = options.nodeHeight ?? 48;
  const gapX = options.gapX ?? 32;
  const gapY = options.gapY ?? 48;
  const ids = new Set(graph.nodes.map((n) => n.id));
  const edges = graph.edges.filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to);
  const layers = assignLayers(graph.nodes, edges);
  // An edge spanning several layers passes through a waypoint in each layer between: waypoints
  // take a slot like nodes, so the edge is drawn around the nodes, never across them.
  const rows: string[][] = [];
  for (const node of graph.nodes) (rows[layers.get(node.id)!] ??= []).push(node.id);
  const sources = new Map<string, string[]>();
  const addSource = (to: string, from: string): void => {
    (sources.get(to) ?? sources.set(to, []).get(to)!).push(from);
  };
  const routes = edges.map((edge, index) => {
    const top = layers.get(edge.from)!;
    const bottom = layers.get(edge.to)!;
    const route = [edge.from];
    for (let layer = top + 1; layer < bottom; layer++) {
      const waypoint = `\u0000${index}:${layer}`;
      (rows[layer] ??= []).push(waypoint);
      route.push(waypoint);
    }
    route.push(edge.to);
    for (let i = 1; i < route.length; i++) addSource(route[i]!, route[i - 1]!);
    return route;
  });
  const position = new Map<string, number>();
  for (const row of rows) {
    const weight = (id: string): number => {
      const from = (sources.get(id) ?? []).filter((source) => position.has(source));
      return from.length === 0
        ? Number.POSITIVE_INFINITY
        : from.reduce((sum, source) => sum + position.get(source)!, 0) / from.length;
    };
    const declared = new Map(row.map((id, index) => [id, index]));
    row.sort((a, b) => weight(a) - weight(b) || declared.get(a)! - declared.get(b)!);
    row.forEach((id, index) => position.set(id, index));
  }
  const widest = Math.max(1, ...rows.map((row) => row.length));
  const width = widest * nodeWidth + (widest - 1) * gapX;
  const slots = new Map<string, { x: number; y: number; layer: number }>();
  rows.forEach((row, layer) => {
    const left = (width - (row.length * nodeWidth + (row.length - 1) * gapX)) / 2;
    row.forEach((id, index) => {
      slots.set(id, {
        x: left + index * (nodeWidth + gapX),
        y: layer * (nodeHeight + gapY),
        layer,
      });
    });
  });
  const nodes = graph.nodes.map((node) => ({
    node,
    ...slots.get(node.id)!,
    width: nodeWidth,
    height: nodeHeight,
  }));
  const placedEdges = edges.map((edge, index) => {
    const route = routes[index]!;
    const points: { x: number; y: number }[] = [];
    route.forEach((id, step) => {
      const slot = slots.get(id)!;
      const x = slot.x + nodeWidth / 2;
      if (step > 0) points.push({ x, y: slot.y });
      if (step < route.length - 1) points.push({ x, y: slot.y + nodeHeight });
    });
    return { edge, points };
  });
  return {
    nodes,
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
