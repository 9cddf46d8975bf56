import { randomUUID } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';

/** How to serve MCP over streamable HTTP. */
export interface McpHttpHandlerOptions {
  /** A fresh server for each session (`createStepflowMcpServer`). */
  readonly createServer: () => McpServer;
  /** Sessions open at once (default 100); past it idle ones are closed, else 503. */
  readonly maxSessions?: number;
  /** A session without a request for this long may be closed (default 30 minutes). */
  readonly idleMs?: number;
  /** Current time in ms (injectable for tests). */
  readonly now?: () => number;
}

/** Streamable-HTTP MCP endpoint: a web-standard handler for one path (e.g. `/mcp`). */
export interface McpHttpHandler {
  /** Answers a POST, GET or DELETE to the endpoint. Mount it behind the service's checks. */
  readonly fetch: (request: Request) => Promise<Response>;
  /** Sessions open now. */
  readonly sessionCount: number;
  /** Closes every session (ending their event streams). */
  close(): Promise<void>;
}

interface Session {
  readonly server: McpServer;
  readonly transport: WebStandardStreamableHTTPServerTransport;
  lastUsed: number;
}

/** Default most sessions open at once. */
export const DEFAULT_MAX_MCP_SESSIONS = 100;
const DEFAULT_IDLE_MS = 30 * 60 * 1000;

/**
 * Serves MCP over streamable HTTP with the SDK's web-standard transport, one server per
 * session (`Mcp-Session-Id`): an `initialize` POST opens a session, DELETE closes it.
 */
export function createMcpHttpHandler(options: McpHttpHandlerOptions): McpHttpHandler {
  const sessions = new Map<string, Session>();
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_MCP_SESSIONS;
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const now = options.now ?? Date.now;
  let closing = false;

  const closeIdle = async (): Promise<void> => {
    const idle = [...sessions.values()].filter((s) => now() - s.lastUsed >= idleMs);
    await Promise.all(idle.map((session) => session.server.close()));
  };

  const openSession = async (request: Request): Promise<Response> => {
    if (sessions.size >= maxSessions) await closeIdle();
    if (sessions.size >= maxSessions)
      return jsonRpcError(503, -32000, `Too many MCP sessions (at most ${maxSessions})`);
    const server = options.createServer();
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        sessions.set(id, { server, transport, lastUsed: now() });
      },
    });
    server.server.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    const response = await transport.handleRequest(request);
    // Anything but an initialize (refused by the transport) leaves no session behind.
    if (transport.sessionId === undefined) await server.close();
    return response;
  };

  return {
    fetch: async (request) => {
      if (closing) return jsonRpcError(503, -32000, 'The server is shutting down');
      const sessionId = request.headers.get('mcp-session-id');
      if (sessionId === null) {
        if (request.method !== 'POST')
          return jsonRpcError(400, -32000, 'Bad request: Mcp-Session-Id header required');
        return openSession(request);
      }
      const session = sessions.get(sessionId);
      if (session === undefined) return jsonRpcError(404, -32001, 'Session not found');
      session.lastUsed = now();
      return session.transport.handleRequest(request);
    },
    get sessionCount() {
      return sessions.size;
    },
    async close() {
      closing = true;
      await Promise.all([...sessions.values()].map((session) => session.server.close()));
      sessions.clear();
    },
  };
}

/** An HTTP error answered before any transport sees the request. */
function jsonRpcError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status });
}
