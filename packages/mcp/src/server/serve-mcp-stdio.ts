import type { Readable, Writable } from 'node:stream';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

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
  await server.connect(transport);
  const pending = countPendingRequests(transport);
  // The SDK's transport does not notice the end of stdin. A client that wrote its requests and
  // closed its end still gets every answer: the server closes once none is pending.
  const onEnd = (): void => void pending.idle().then(() => server.close());
  stdin.once('end', onEnd);
  stdin.once('close', onEnd);
  try {
    await closed;
  } finally {
    stdin.off('end', onEnd);
    stdin.off('close', onEnd);
  }
}

/** Counts the requests received and not yet answered on `transport`. */
function countPendingRequests(transport: Transport): { idle(): Promise<void> } {
  let pending = 0;
  let wake: (() => void) | undefined;
  const receive = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if ('method' in message && 'id' in message) pending++;
    receive?.(message, extra);
  };
  const send = transport.send.bind(transport);
  transport.send = async (message, options) => {
    await send(message, options);
    if (!('method' in message) && 'id' in message && --pending === 0) wake?.();
  };
  return {
    idle: () =>
      pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => (wake = resolve)),
  };
}
