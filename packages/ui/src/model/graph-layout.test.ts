import { buildFlowGraph } from '@stepflow/runtime/flow-graph';
import { describe, expect, it } from 'vitest';
import { layoutFlowGraph } from './graph-layout.ts';

const ref = (step: string) => ({ $from: { step } });
const input = { $from: { workflow: 'input' } };

describe('layoutFlowGraph', () => {
  it('puts each node one layer below what it reads, output last', () => {
    const graph = buildFlowGraph({
      steps: [
        { id: 'a', component: '/x', input },
        { id: 'b', component: '/x', input: ref('a') },
        { id: 'c', component: '/x', input: ref('a') },
        { id: 'd', component: '/x', input: [ref('b'), ref('c')] },
        { id: 'lone', component: '/x', input: { $literal: ref('a') } },
      ],
      output: ref('d'),
    });
    const layout = layoutFlowGraph(graph, { nodeWidth: 100, nodeHeight: 40, gapX: 20, gapY: 30 });
    const layer = Object.fromEntries(layout.nodes.map((n) => [n.node.id, n.layer]));
    expect(layer).toEqual({
      input: 0,
      'step:a': 1,
      'step:b': 2,
      'step:c': 2,
      'step:d': 3,
      'step:lone': 0,
      output: 4,
    });
    // Widest layer: two nodes.
    expect(layout.width).toBe(220);
    expect(layout.height).toBe(5 * 40 + 4 * 30);
    const b = layout.nodes.find((n) => n.node.id === 'step:b')!;
    const c = layout.nodes.find((n) => n.node.id === 'step:c')!;
    expect([b.x, c.x]).toEqual([0, 120]);
    expect(b.y).toBe(2 * 70);
  });

  it('draws each edge from the bottom of its source to the top of its target', () => {
    const graph = buildFlowGraph({
      steps: [{ id: 'a', component: '/x', input }],
      output: ref('a'),
    });
    const layout = layoutFlowGraph(graph, { nodeWidth: 100, nodeHeight: 40, gapX: 20, gapY: 30 });
    expect(layout.edges.map((e) => [e.edge.from, e.edge.to, e.points])).toEqual([
      [
        'input',
        'step:a',
        [
          { x: 50, y: 40 },
          { x: 50, y: 70 },
        ],
      ],
      [
        'step:a',
        'output',
        [
          { x: 50, y: 110 },
          { x: 50, y: 140 },
        ],
      ],
    ]);
  });

  it('orders a layer by where its sources sit, so edges do not cross', () => {
    const graph = buildFlowGraph({
      steps: [
        { id: 'left', component: '/x', input },
        { id: 'right', component: '/x', input },
        { id: 'fromRight', component: '/x', input: ref('right') },
        { id: 'fromLeft', component: '/x', input: ref('left') },
      ],
    });
    const layout = layoutFlowGraph(graph);
    const x = (id: string) => layout.nodes.find((n) => n.node.id === `step:${id}`)!.x;
    expect(x('left')).toBeLessThan(x('right'));
    expect(x('fromLeft')).toBeLessThan(x('fromRight'));
  });

  it('lays out a broken flow with a cycle or an unknown reference without looping', () => {
    const graph = buildFlowGraph({
      steps: [
        { id: 'a', component: '/x', input: ref('b') },
        { id: 'b', component: '/x', input: [ref('a'), ref('ghost')] },
      ],
    });
    const layout = layoutFlowGraph(graph);
    expect(layout.nodes).toHaveLength(4);
    expect(layout.edges.map((e) => `${e.edge.from}>${e.edge.to}`).sort()).toEqual([
      'step:a>step:b',
      'step:b>step:a',
    ]);
  });

  it('routes an edge that skips layers through waypoints beside the nodes between', () => {
    const graph = buildFlowGraph({
      steps: [
        { id: 'a', component: '/x', input },
        { id: 'b', component: '/x', input: ref('a') },
        { id: 'c', component: '/x', input: ref('b') },
        { id: 'd', component: '/x', input: [ref('a'), ref('c')] },
      ],
    });
    const layout = layoutFlowGraph(graph, { nodeWidth: 100, nodeHeight: 40, gapX: 20, gapY: 30 });
    const long = layout.edges.find((e) => e.edge.from === 'step:a' && e.edge.to === 'step:d')!;
    // Bottom of a, through layers 2 and 3 (top and bottom of each waypoint), top of d.
    expect(long.points).toHaveLength(6);
    const boxes = layout.nodes.filter((n) => n.node.id === 'step:b' || n.node.id === 'step:c');
    for (const point of long.points.slice(1, -1))
      for (const box of boxes)
        expect(
          point.x < box.x || point.x > box.x + box.width,
          `${point.x} inside ${box.node.id}`,
        ).toBe(true);
    // The canvas widened to hold the waypoints next to b and c.
    expect(layout.width).toBe(220);
  });

  it('lays out a flow without steps', () => {
    const layout = layoutFlowGraph(buildFlowGraph({}));
    expect(layout.nodes.map((n) => [n.node.id, n.layer])).toEqual([
      ['input', 0],
      ['output', 1],
    ]);
  });
});
