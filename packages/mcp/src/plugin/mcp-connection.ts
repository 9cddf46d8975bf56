import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '@stepflow/runtime';
import { describeError } from './describe-error.ts';
import type { McpPluginSettings } from './mcp-plugin-settings.ts';
import { drainStderr, type StderrDrain } from './stderr-drain.ts';

/** Largest message an MCP server may send over stdio (a longer line closes the connection). */
export const MAX_MCP_MESSAGE_BYTES = 32 * 1024 * 1024;
/** Most `tools/list` pages read from one server: a server that pages forever is not started. */
export const MAX_TOOL_PAGES = 100;
/** Most tools taken from one server. */
export const MAX_TOOLS = 10_000;

/** What the plugin tells the client about itself. */
const CLIENT_INFO = { name: 'stepflow', version: '0.1.0' } as const;

/** One started MCP server (child process or HTTP session) and its tools. */
export interface McpConnection {
  readonly client: Client;
  /** The server's tools by name, every page of `tools/list`. */
  tools: ReadonlyMap<string, Tool>;
  /** Set when the server announced that its tool list changed: relisted on next use. */
  stale: boolean;
  /** A relisting in progress, shared by every call that waits for it. */
  relisting: Promise<void> | undefined;
  /** Set once the handshake and listing completed: a later close is a crash. */
  established: boolean;
  /** Set once the connection closed. */
  closed: boolean;
  /** Closes the connection (the child gets stdin closed, then SIGTERM, then SIGKILL). */
  close(): Promise<void>;
}

/** What a connection reports to its plugin. */
export interface McpConnectionHooks {
  readonly logger: Logger;
  /** One line the server wrote to stderr. */
  readonly logStderrLine: (line: string) => void;
  /** The connection closed (after it was established, or while starting). */
  readonly onClosed: (connection: McpConnection) => void;
}

async function createTransport(
  settings: McpPluginSettings,
  hooks: McpConnectionHooks,
): Promise<{ transport: Transport; drain: StderrDrain | undefined }> {
  const address = settings.address;
  if (address.transport === 'stdio') {
    const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
    const { launch } = address;
    const transport = new StdioClientTransport({
      command: launch.command,
      args: [...launch.args],
      env: { ...launch.env },
      cwd: launch.cwd,
      // Piped and read to the end: an undrained pipe blocks a chatty server once it fills.
      stderr: 'pipe',
      maxBufferSize: MAX_MCP_MESSAGE_BYTES,
    });
    const drain = transport.stderr ? drainStderr(transport.stderr, hooks.logStderrLine) : undefined;
    return { transport, drain };
  }
  const { StreamableHTTPClientTransport } =
    await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
  const transport = new StreamableHTTPClientTransport(address.url, {
    requestInit: { headers: { ...address.headers } },
    // A lost stream is a lost server: the plugin reconnects on next use, with its own backoff.
    reconnectionOptions: {
      initialReconnectionDelay: 1000,
      maxReconnectionDelay: 1000,
      reconnectionDelayGrowFactor: 1,
      maxRetries: 0,
    },
  });
  return { transport: transport, drain: undefined };
}

/** Every page of the server's `tools/list`, bounded in pages and tools. */
async function listAllTools(
  client: Client,
  options: { timeout: number; signal: AbortSignal },
): Promise<Map<string, Tool>> {
  const tools = new Map<string, Tool>();
  const cursors = new Set<string>();
  let cursor: string | undefined;
  for (let page = 1; ; page++) {
    const result = await client.listTools(cursor === undefined ? {} : { cursor }, options);
    for (const tool of result.tools) {
      if (tools.size >= MAX_TOOLS) throw new Error(`the server lists more than ${MAX_TOOLS} tools`);
      tools.set(tool.name, tool);
    }
    const next = result.nextCursor;
    if (next === undefined || next === '') return tools;
    if (cursors.has(next))
      throw new Error(`the server's tools/list returned cursor ${JSON.stringify(next)} twice`);
    if (page >= MAX_TOOL_PAGES)
      throw new Error(`the server's tools/list did not end after ${MAX_TOOL_PAGES} pages`);
    cursors.add(next);
    cursor = next;
  }
}

/**
 * Re-reads the tool list of a server that announced a change; calls that arrive meanwhile wait
 * for the same listing.
 */
export function relistTools(
  connection: McpConnection,
  options: { timeout: number; signal: AbortSignal },
): Promise<void> {
  if (connection.relisting === undefined) {
    connection.stale = false;
    connection.relisting = listAllTools(connection.client, options)
      .then((tools) => {
        connection.tools = tools;
      })
      .catch((error: unknown) => {
        connection.stale = true;
        throw error;
      })
      .finally(() => {
        connection.relisting = undefined;
      });
  }
  return connection.relisting;
}

/**
 * Starts an MCP server (spawns it, or opens an HTTP session), runs the `initialize` handshake
 * through the SDK's `Client` and reads every page of its tools. A server that fails to start is
 * closed (no process is left behind) and the error carries its last stderr lines.
 */
export async function openMcpConnection(
  settings: McpPluginSettings,
  hooks: McpConnectionHooks,
  signal: AbortSignal,
): Promise<McpConnection> {
  const [{ Client }, { ToolListChangedNotificationSchema }] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/types.js'),
  ]);
  const { transport, drain } = await createTransport(settings, hooks);
  // No roots or sampling capability: the reference's empty `roots` would make a filesystem
  // server drop the directories its command line allows.
  const client = new Client(CLIENT_INFO, { capabilities: {} });
  const connection: McpConnection = {
    client,
    tools: new Map(),
    stale: false,
    relisting: undefined,
    established: false,
    closed: false,
    close: () => client.close(),
  };
  client.onclose = () => {
    if (connection.closed) return;
    connection.closed = true;
    hooks.onClosed(connection);
  };
  client.onerror = (error) =>
    hooks.logger.debug(`MCP server connection error: ${error.message}`, {
      error: error.message,
    });
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    connection.stale = true;
  });
  const options = { timeout: settings.initializeTimeoutMs, signal };
  try {
    await client.connect(transport, options);
    connection.tools = await listAllTools(client, options);
  } catch (error) {
    await client.close().catch(() => {});
    // The child is gone now: its last words are all read.
    const tail = drain?.tail() ?? [];
    const stderr = tail.length === 0 ? '' : `; last stderr lines:\n  ${tail.join('\n  ')}`;
    throw new Error(`the server did not start: ${describeError(error)}${stderr}`, { cause: error });
  }
  connection.established = true;
  return connection;
}
