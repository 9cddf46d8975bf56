import type { Readable, Writable } from 'node:stream';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

/** Where `serveMcpStdio` reads and writes; the process's stdin and stdout by default. */
export interface McpStdioOptions {
  readonly stdin?: Readable;
  readonly stdout?: Writable;
  /** Largest message buffered from stdin (default 32 MiB): a longer line closes the connection. */
  readonly maxMessageBytes?: number;
}

/** Default largest MCP message over stdio: 32 MiB, the protocol's message limit. */
export const DEFAULT_MCP_MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

/**
 * Serves `server` over stdio (newline-delimited JSON-RPC, the SDK's framing). Resolves once
 * the connection ended: stdin closed, or `server.close()`. Nothing else may write to stdout.
 */
export async function serveMcpStdio(
  server: McpServer,
  options: McpStdioOptions = {},
): Promise<void> {
  const stdin = options.stdin ?? process.stdin;
  const transport = new StdioServerTransport(stdin, options.stdout ?? process.stdout, {
    maxBufferSize: options.maxMessageBytes ?? DEFAULT_MCP_MAX_MESSAGE_BYTES,
  });
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = resolve;
  });
  // The SDK's transport does not notice the end of stdin: the client went away.
  const onEnd = (): void => void server.close();
  stdin.once('end', onEnd);
  stdin.once('close', onEnd);
  await server.connect(transport);
  try {
    await closed;
  } finally {
    stdin.off('end', onEnd);
    stdin.off('close', onEnd);
  }
}
