import { readdir } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { Flow } from '@stepflow/protocol';
import {
  DocumentError,
  flowFromDocument,
  flowIdOf,
  formatOfFile,
  parseDocumentText,
  readDocumentFile,
  validateFlow,
} from '@stepflow/runtime';
import { FlowCatalogError } from './flow-catalog-error.ts';
import { OPERATOR_TOOL_NAMES, toolNameOf } from './tool-name.ts';

/** The `schema` value that marks a document as a Stepflow flow. */
const FLOW_SCHEMA_URL = 'https://stepflow.org/schemas/v1/flow.json';

/** Directories never searched for flows. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

/** More flow files than this under one directory is refused: each becomes a tool. */
export const MAX_FLOW_TOOLS = 1000;

/** A flow served as an MCP tool. */
export interface FlowTool {
  /** The tool name: the flow's `name`, else its file name, in MCP's tool-name alphabet. */
  readonly name: string;
  /** The flow's description, else a sentence naming the flow. */
  readonly description: string;
  /** The file the flow came from (relative to the catalog's directory). */
  readonly file: string;
  readonly flow: Flow;
  /** Blob id of the flow. */
  readonly flowId: string;
}

/** The flows an MCP server offers as tools, by tool name. */
export interface FlowCatalog {
  readonly tools: readonly FlowTool[];
  /** The tool named `name`, or the one whose flow's `name` or id is `name`. */
  find(name: string): FlowTool | undefined;
}

/** A catalog of the given tools (names must be unique). */
export function createFlowCatalog(tools: readonly FlowTool[]): FlowCatalog {
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  return {
    tools,
    find: (name) =>
      byName.get(name) ?? tools.find((tool) => tool.flow.name === name || tool.flowId === name),
  };
}

/**
 * Reads every flow file (`*.yaml`, `*.yml`, `*.json` whose `schema` is the flow schema) under
 * `directory`, sorted by path. Other documents (configs, data) are ignored. Throws
 * `FlowCatalogError` listing every file at fault: unreadable, invalid (errors of
 * `validateFlow`), or a tool name taken by two files.
 */
export async function loadFlowCatalog(directory: string): Promise<FlowCatalog> {
  const files = (await documentFilesUnder(directory)).sort();
  const problems: string[] = [];
  const tools: FlowTool[] = [];
  const fileOfName = new Map<string, string>();
  for (const path of files) {
    const file = relative(directory, path) || basename(path);
    let flow: Flow | undefined;
    try {
      flow = await readFlow(path, file, problems);
    } catch (error) {
      if (!DocumentError.isInstance(error)) throw error;
      problems.push(`${file}: ${error.message}`);
    }
    if (flow === undefined) continue;
    const name = toolNameOf(flow.name ?? basename(path).replace(/\.(ya?ml|json)$/i, ''));
    if (OPERATOR_TOOL_NAMES.has(name)) {
      problems.push(`${file}: tool name '${name}' is an operator tool's; rename the flow`);
      continue;
    }
    const taken = fileOfName.get(name);
    if (taken !== undefined) {
      problems.push(`${file}: tool name '${name}' is taken by ${taken}; give the flow a name`);
      continue;
    }
    fileOfName.set(name, file);
    const description =
      typeof flow.description === 'string' && flow.description.trim() !== ''
        ? flow.description
        : `Runs the Stepflow flow '${flow.name ?? name}' (${file}).`;
    tools.push({ name, description, file, flow, flowId: flowIdOf(flow) });
  }
  if (tools.length > MAX_FLOW_TOOLS)
    problems.push(`${directory}: ${tools.length} flows, more than ${MAX_FLOW_TOOLS}`);
  if (problems.length > 0) throw new FlowCatalogError(directory, problems);
  return createFlowCatalog(tools);
}

/** The flow in `path`, `undefined` when it is no flow; invalid flows add to `problems`. */
async function readFlow(path: string, file: string, problems: string[]): Promise<Flow | undefined> {
  const text = await readDocumentFile(path);
  const format = formatOfFile(path) ?? 'yaml';
  let document: unknown;
  try {
    document = parseDocumentText(text, format);
  } catch (error) {
    // Broken YAML that does not claim to be a flow is not ours to judge.
    if (DocumentError.isInstance(error) && !text.includes(FLOW_SCHEMA_URL)) return undefined;
    throw error;
  }
  if (!isFlowDocument(document)) return undefined;
  const loaded = flowFromDocument(document, file);
  const errors = [...loaded.diagnostics, ...validateFlow(loaded.flow)].filter(
    (d) => d.level === 'fatal' || d.level === 'error',
  );
  for (const error of errors) {
    const where = [error.stepId === undefined ? '' : `step '${error.stepId}'`, error.path.join('.')]
      .filter((part) => part !== '')
      .join(', ');
    problems.push(`${file}: ${where === '' ? '' : `${where}: `}${error.message}`);
  }
  return errors.length > 0 ? undefined : loaded.flow;
}

function isFlowDocument(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    (value as Record<string, unknown>).schema === FLOW_SCHEMA_URL
  );
}

async function documentFilesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) found.push(...(await documentFilesUnder(path)));
    } else if (entry.isFile() && /\.(ya?ml|json)$/i.test(entry.name)) {
      found.push(path);
    }
  }
  return found;
}
