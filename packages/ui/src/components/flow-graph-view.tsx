import type { FlowGraph } from '@stepflow/runtime/flow-graph';
import { layoutFlowGraph } from '../model/graph-layout.ts';

/** Props of {@link FlowGraphView}. */
export interface FlowGraphViewProps {
  readonly graph: FlowGraph;
  /** Status of each step node by step id (absent: pending). */
  readonly statuses?: ReadonlyMap<string, string>;
  /** Called when a step node is chosen (click or Enter). */
  readonly onSelect?: (stepId: string) => void;
  readonly selected?: string;
}

/** A flow's dependency graph as SVG: steps coloured by status, edges from references. */
export function FlowGraphView({ graph, statuses, onSelect, selected }: FlowGraphViewProps) {
  const layout = layoutFlowGraph(graph);
  const pad = 8;
  return (
    <div class="graph-scroll">
      <svg
        class="graph"
        role="group"
        aria-label="Flow graph"
        width={layout.width + 2 * pad}
        height={layout.height + 2 * pad}
        viewBox={`${-pad} ${-pad} ${layout.width + 2 * pad} ${layout.height + 2 * pad}`}
      >
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="10"
            refY="5"
            markerWidth="6"
            markerHeight="6"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
          </marker>
        </defs>
        {layout.edges.map(({ edge, points }) => (
          <path
            key={`${edge.from}-${edge.to}-${edge.via}`}
            class={`edge edge-${edge.via}`}
            d={edgePath(points)}
            marker-end="url(#arrow)"
          />
        ))}
        {layout.nodes.map(({ node, x, y, width, height }) => {
          const stepId = node.kind === 'step' ? node.label : undefined;
          const status = stepId === undefined ? node.kind : (statuses?.get(stepId) ?? 'pending');
          const select =
            stepId === undefined || onSelect === undefined ? undefined : () => onSelect(stepId);
          return (
            <g
              key={node.id}
              class={`node node-${node.kind} status-${status}${stepId !== undefined && stepId === selected ? ' selected' : ''}`}
              transform={`translate(${x},${y})`}
              data-step={stepId}
              data-status={status}
              {...(select === undefined
                ? {}
                : {
                    role: 'button',
                    tabindex: 0,
                    'aria-label': `Step ${node.label}: ${status}`,
                    onClick: select,
                    onKeyDown: (e: KeyboardEvent) => {
                      if (e.key === 'Enter' || e.key === ' ') {
                        e.preventDefault();
                        select();
                      }
                    },
                  })}
            >
              <rect width={width} height={height} rx={8} />
              <text
                x={width / 2}
                y={node.component === undefined ? height / 2 + 5 : 20}
                text-anchor="middle"
                class="node-label"
              >
                {clip(node.label, 22)}
              </text>
              {node.component === undefined ? null : (
                <text x={width / 2} y={37} text-anchor="middle" class="node-component">
                  {clip(node.component, 26)}
                </text>
              )}
              <title>{`${node.label}${node.component === undefined ? '' : ` (${node.component})`}: ${status}`}</title>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** An SVG path through the points: each step down a curve leaving and arriving vertically. */
function edgePath(points: readonly { readonly x: number; readonly y: number }[]): string {
  const [first, ...rest] = points;
  if (first === undefined) return '';
  let path = `M${first.x},${first.y}`;
  let previous = first;
  for (const point of rest) {
    const mid = (previous.y + point.y) / 2;
    path += ` C${previous.x},${mid} ${point.x},${mid} ${point.x},${point.y}`;
    previous = point;
  }
  return path;
}
