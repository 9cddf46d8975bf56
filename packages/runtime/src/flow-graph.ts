// Browser-safe: no imports, so the web UI bundles it alone via `@stepflow/runtime/flow-graph`.
/** A node of a flow graph: the workflow input, a step, or the workflow output. */
export interface FlowGraphNode {
  /** Unique node id: `input`, `output`, or `step:<step id>` (never ambiguous). */
  readonly id: string;
  readonly kind: 'input' | 'step' | 'output';
  /** Display text: the step id, or `Input` / `Output`. */
  readonly label: string;
  /** The step's component (steps only). */
  readonly component?: string;
}

/** A data dependency: `to` reads `from` (in its `input`, `skipIf` or the flow `output`). */
export interface FlowGraphEdge {
  readonly from: string;
  readonly to: string;
  /** `skipIf` edges are drawn dashed; `input` edges plain. */
  readonly via: 'input' | 'skipIf' | 'output';
}

/** The dependency graph of a flow, as `visualize` draws it. */
export interface FlowGraph {
  readonly nodes: readonly FlowGraphNode[];
  readonly edges: readonly FlowGraphEdge[];
}

interface FlowLike {
  readonly steps?: readonly { id: string; component: string; input?: unknown; skipIf?: unknown }[];
  readonly output?: unknown;
}

/** The id of the node standing for the workflow input. */
export const INPUT_NODE = 'input';
/** The id of the node standing for the workflow output. */
export const OUTPUT_NODE = 'output';

/** The node id of a step. */
export const stepNode = (stepId: string): string => `step:${stepId}`;

/**
 * Builds the graph of a flow: one node per step plus input and output, and one edge per distinct
 * reference found outside `$literal` (the same rule the engine uses for dependencies).
 */
export function buildFlowGraph(flow: FlowLike): FlowGraph {
  const nodes: FlowGraphNode[] = [{ id: INPUT_NODE, kind: 'input', label: 'Input' }];
  const edges: FlowGraphEdge[] = [];
  const seen = new Set<string>();
  const addEdges = (template: unknown, to: string, via: FlowGraphEdge['via']): void => {
    for (const from of referencesOf(template)) {
      const key = `${from}\u0000${to}\u0000${via}`;
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push({ from, to, via });
    }
  };
  for (const step of flow.steps ?? []) {
    const id = stepNode(step.id);
    nodes.push({ id, kind: 'step', label: step.id, component: step.component });
    addEdges(step.input, id, 'input');
    addEdges(step.skipIf, id, 'skipIf');
  }
  nodes.push({ id: OUTPUT_NODE, kind: 'output', label: 'Output' });
  addEdges(flow.output, OUTPUT_NODE, 'output');
  return { nodes, edges };
}

/** Node ids referenced by a value template. */
function referencesOf(template: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    if ('$from' in record) {
      const from = record.$from as Record<string, unknown> | null;
      if (from && typeof from === 'object') {
        if (typeof from.step === 'string') found.push(stepNode(from.step));
        else if (from.workflow === 'input') found.push(INPUT_NODE);
      }
      return;
    }
    if ('$literal' in record) return;
    Object.values(record).forEach(walk);
  };
  walk(template);
  return found;
}
