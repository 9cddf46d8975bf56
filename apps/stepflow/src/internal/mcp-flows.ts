import { join, resolve } from 'node:path';
import { FlowCatalogError, loadFlowCatalog, type FlowCatalog } from '@stepflow/mcp';
import type { McpAnswerFunction } from '@stepflow/mcp';
import type { Runtime } from '@stepflow/runtime';
import { CliError, ExitCode } from './cli-error.ts';
import { describeFsError } from './data-file.ts';

/** The flows under `--flows <dir>` as MCP tools; a bad flow file is a usage error naming it. */
export async function loadMcpFlowsOrExit(
  directory: string | undefined,
  cwd: string,
): Promise<FlowCatalog | undefined> {
  if (directory === undefined) return undefined;
  try {
    return await loadFlowCatalog(resolve(cwd, directory));
  } catch (error) {
    if (FlowCatalogError.isInstance(error))
      throw new CliError(`--flows: ${error.message}`, ExitCode.usage, { cause: error });
    throw new CliError(`--flows ${directory}: ${describeFsError(error)}`, ExitCode.usage, {
      cause: error,
    });
  }
}

/**
 * Where the config is discovered for `--flows <dir>`: as for a flow in that directory (the
 * directory first, then the current one), so a config next to the flows is found whatever the
 * directory an MCP client starts the command in.
 */
export function configSearchPath(directory: string | undefined, cwd: string): string | undefined {
  return directory === undefined ? undefined : join(resolve(cwd, directory), 'flow.yaml');
}

/** The runtime's `answer` (human-in-the-loop questions) for `workflow_resume`, when it has one. */
export function answerFunctionOf(runtime: Runtime): McpAnswerFunction | undefined {
  const answer = (runtime as Partial<{ answer: McpAnswerFunction }>).answer;
  return typeof answer === 'function' ? answer.bind(runtime) : undefined;
}
