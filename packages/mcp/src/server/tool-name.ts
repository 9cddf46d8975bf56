/** MCP tool names: 1 to 128 characters of `A-Z a-z 0-9 _ - .`. */
const MAX_TOOL_NAME = 128;

/** The MCP tool name for a flow name or file name: other characters become `_`. */
export function toolNameOf(text: string): string {
  const name = text
    .trim()
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .slice(0, MAX_TOOL_NAME);
  return name === '' ? 'flow' : name;
}

/** Names of the operator tools: no flow may take them. */
export const OPERATOR_TOOL_NAMES: ReadonlySet<string> = new Set([
  'workflow_start',
  'workflow_status',
  'workflow_resume',
  'workflow_cancel',
  'workflow_list',
]);
