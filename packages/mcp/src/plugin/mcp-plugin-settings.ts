import type { McpToolOutput } from '@stepflow/protocol';
import { ConfigError, resolveStdioLaunch, type StdioLaunch } from '@stepflow/runtime';

/** Default bound of one tool call without a progress notification. */
export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;
/** Default time an MCP server has to answer `initialize`. */
export const DEFAULT_MCP_INITIALIZE_TIMEOUT_MS = 30_000;

/** Where an MCP server is: a child process, or a streamable-HTTP endpoint. */
export type McpServerAddress =
  | { readonly transport: 'stdio'; readonly launch: StdioLaunch }
  | {
      readonly transport: 'http';
      readonly url: URL;
      readonly headers: Readonly<Record<string, string>>;
    };

/** An MCP plugin's config, checked and resolved. */
export interface McpPluginSettings {
  readonly address: McpServerAddress;
  /** The server for messages: the command line or the URL (never headers or env values). */
  readonly describe: string;
  readonly output: McpToolOutput;
  readonly toolOutput: ReadonlyMap<string, McpToolOutput>;
  readonly timeoutMs: number;
  readonly initializeTimeoutMs: number;
}

const OUTPUTS: readonly string[] = ['content', 'structured', 'text'];

function positiveInt(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw new ConfigError(`'${field.slice(field.lastIndexOf('.') + 1)}' must be a positive integer`, {
    field,
  });
}

function outputMode(value: unknown, field: string): McpToolOutput {
  if (typeof value === 'string' && OUTPUTS.includes(value)) return value as McpToolOutput;
  throw new ConfigError(
    `${JSON.stringify(value)} is not an output mode (expected content, structured or text)`,
    { field },
  );
}

function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigError(`must be a map of strings`, { field });
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string')
      throw new ConfigError(`must be a string`, { field: `${field}.${key}` });
    out[key] = entry;
  }
  return out;
}

function resolveAddress(
  name: string,
  config: Readonly<Record<string, unknown>>,
  workingDirectory: string,
  env: Readonly<Record<string, string | undefined>>,
): McpServerAddress {
  const field = (key: string): string => `plugins.${name}.${key}`;
  const transport = config.transport ?? 'stdio';
  if (transport === 'stdio') {
    // MCP servers inherit the runtime's whole environment, as in the reference (unlike
    // component servers); `inheritEnv: false` or a list narrows it.
    const launch = resolveStdioLaunch(
      name,
      { ...config, inheritEnv: config.inheritEnv ?? true },
      workingDirectory,
      env,
    );
    return { transport: 'stdio', launch };
  }
  if (transport !== 'http') {
    throw new ConfigError(
      `unknown transport ${JSON.stringify(transport)} (expected stdio or http)`,
      {
        field: field('transport'),
      },
    );
  }
  let url: URL;
  try {
    url = new URL(String(config.url));
  } catch {
    throw new ConfigError(`'url' must be an absolute http(s) URL`, { field: field('url') });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`'url' must be an http:// or https:// URL`, { field: field('url') });
  return { transport: 'http', url, headers: stringMap(config.headers, field('headers')) };
}

/**
 * Checks and resolves a `type: mcp` plugin config (`${VAR}` already substituted by the config
 * loader). Throws `ConfigError` naming the field at fault.
 */
export function resolveMcpPluginSettings(
  name: string,
  config: Readonly<Record<string, unknown>>,
  workingDirectory: string,
  env: Readonly<Record<string, string | undefined>>,
): McpPluginSettings {
  const field = (key: string): string => `plugins.${name}.${key}`;
  const address = resolveAddress(name, config, workingDirectory, env);
  const toolOutput = new Map<string, McpToolOutput>();
  const perTool = config.toolOutput ?? {};
  if (typeof perTool !== 'object' || perTool === null || Array.isArray(perTool))
    throw new ConfigError(`'toolOutput' must be a map of tool names to output modes`, {
      field: field('toolOutput'),
    });
  for (const [tool, mode] of Object.entries(perTool))
    toolOutput.set(tool, outputMode(mode, `${field('toolOutput')}.${tool}`));
  return {
    address,
    describe:
      address.transport === 'stdio'
        ? [address.launch.command, ...address.launch.args].join(' ')
        : `${address.url.origin}${address.url.pathname}`,
    output: config.output === undefined ? 'content' : outputMode(config.output, field('output')),
    toolOutput,
    timeoutMs: positiveInt(config.timeoutMs, field('timeoutMs'), DEFAULT_TOOL_TIMEOUT_MS),
    initializeTimeoutMs: positiveInt(
      config.initializeTimeoutMs,
      field('initializeTimeoutMs'),
      DEFAULT_MCP_INITIALIZE_TIMEOUT_MS,
    ),
  };
}
