import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Transport, TransportCloseInfo } from '@stepflow/jsonrpc';
import {
  createRequestGuard,
  defaultAllowedHostsFor,
  nodeHttpTimeouts,
} from '@stepflow/transport-http';
import type { HttpServerTimeouts, RequestRefusal } from '@stepflow/transport-http';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { SocketChannel } from './internal/socket-channel.ts';

const PROCESS_INSTANCE_ID = randomUUID();

/** Who connected, as the upgrade request said. */
export interface WebSocketConnectionInfo {
  /** The remote address of the socket. */
  readonly remoteAddress: string | undefined;
  /** The headers of the upgrade request. */
  readonly headers: IncomingHttpHeaders;
}

/** The server end of one WebSocket connection. */
export interface WebSocketServerTransport extends Transport {
  /** Unflushed outgoing bytes (bounded by the high-water mark plus waiting sends). */
  readonly bufferedAmount: number;
}

/**
 * Options of {@link listenWebSocket}. The timeouts bound how long a client may take to send its
 * upgrade (or `/health`) request (408 past them); an open WebSocket is not limited by them.
 */
export interface ListenWebSocketOptions extends HttpServerTimeouts {
  /** Called for each accepted connection with its transport (connect a peer and start it). */
  readonly onConnection: (
    transport: WebSocketServerTransport,
    info: WebSocketConnectionInfo,
  ) => void;
  /** The address to bind (default `'127.0.0.1'`: loopback only). */
  readonly host?: string;
  /** The port (default 0: a free port chosen by the system). */
  readonly port?: number;
  /** The path clients connect to (default `'/'`). */
  readonly path?: string;
  /**
   * Host names (from the `Host` header, ports ignored) accepted; others get 403 (DNS-rebinding
   * protection). Default: loopback names for a loopback bind, the address plus loopback for a
   * specific address, any host for a wildcard bind.
   */
  readonly allowedHosts?: readonly string[] | 'any';
  /** Browser origins allowed to connect; default none (403 on any `Origin` header). */
  readonly allowedOrigins?: readonly string[] | 'any';
  /** When set, the upgrade request must carry `Authorization: Bearer <token>` (else 401). */
  readonly token?: string;
  /** Largest incoming message in bytes (default 64 MiB); larger frames close the connection (1009). */
  readonly maxPayloadBytes?: number;
  /** Keep-alive ping interval (default 30 000 ms; 0 disables). */
  readonly pingIntervalMs?: number;
  /** Unflushed bytes per connection above which `send` waits (default 1 MiB). */
  readonly highWaterMarkBytes?: number;
  /** The `service` reported by `GET /health` (default `'stepflow-component-server'`). */
  readonly service?: string;
  /** The `instanceId` reported by `GET /health` (default: one random id per process). */
  readonly instanceId?: string;
}

/** A listening WebSocket server. */
export interface WebSocketListener {
  /** The URL clients connect to (`ws://127.0.0.1:<port>/`). */
  readonly url: string;
  /** The bound address. */
  readonly host: string;
  /** The bound port. */
  readonly port: number;
  /** The underlying `node:http` server (it also answers `GET /health`). */
  readonly server: Server;
  /** Stops listening and closes every connection (their transports report `onclose`). */
  close(): Promise<void>;
}

/**
 * Serves JSON-RPC over WebSocket: one message per text frame, both directions on one socket.
 * Each accepted connection becomes its own transport, handed to `onConnection`. Binds to
 * 127.0.0.1 by default and checks `Host`, `Origin` and the optional bearer token before
 * upgrading; plain `GET /health` answers `{status, instanceId, timestamp, service}`.
 */
export async function listenWebSocket(options: ListenWebSocketOptions): Promise<WebSocketListener> {
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? '/';
  const guard = createRequestGuard({
    allowedHosts: options.allowedHosts ?? defaultAllowedHostsFor(host),
    allowedOrigins: options.allowedOrigins,
    token: options.token,
  });
  const maxPayload = options.maxPayloadBytes ?? 64 * 1024 * 1024;
  const instanceId = options.instanceId ?? PROCESS_INSTANCE_ID;
  const service = options.service ?? 'stepflow-component-server';
  const channels = new Set<SocketChannel>();
  const wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false });

  const server = createServer(nodeHttpTimeouts(options), (req, res) => {
    const guard = check(req);
    if (guard !== undefined) {
      res.writeHead(guard.status, guard.headers).end(guard.body);
      return;
    }
    if (req.method === 'GET' && pathOf(req.url) === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'healthy',
          instanceId,
          timestamp: new Date().toISOString(),
          service,
        }),
      );
      return;
    }
    res.writeHead(426, { 'content-type': 'application/json', upgrade: 'websocket' });
    res.end(errorBody('Upgrade Required: connect with a WebSocket client'));
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const guard =
      check(req) ??
      (pathOf(req.url) === path ? undefined : refusal(404, `Not found: ${pathOf(req.url)}`));
    if (guard !== undefined) {
      const body = guard.body;
      const lines = [
        `HTTP/1.1 ${guard.status} ${STATUS_TEXT[guard.status] ?? 'Error'}`,
        'Connection: close',
      ];
      for (const [name, value] of Object.entries(guard.headers)) lines.push(`${name}: ${value}`);
      lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
      socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const transport = createServerTransport(
        ws,
        {
          highWaterMarkBytes: options.highWaterMarkBytes ?? 1024 * 1024,
          maxMessageBytes: Number.MAX_SAFE_INTEGER,
          pingIntervalMs: options.pingIntervalMs ?? 30_000,
        },
        channels,
        `WebSocket connection from ${req.socket.remoteAddress ?? 'unknown'}`,
      );
      options.onConnection(transport, {
        remoteAddress: req.socket.remoteAddress,
        headers: req.headers,
      });
    });
  });

  function check(req: IncomingMessage): Refusal | undefined {
    const refused =
      guard.checkHost(req.headers.host) ??
      guard.checkOrigin(req.headers.origin) ??
      (pathOf(req.url) === '/health' ? undefined : guard.checkToken(req.headers.authorization));
    return refused === undefined ? undefined : fromGuard(refused);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `ws://${urlHost}:${port}${path}`,
    host,
    port,
    server,
    close: async () => {
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(
        [...channels].map((channel) => channel.close(1001, 'server shutting down')),
      );
      server.closeAllConnections();
      wss.close();
      await closing;
    },
  };
}

interface Refusal {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
};

function refusal(status: number, message: string): Refusal {
  return { status, headers: { 'content-type': 'application/json' }, body: errorBody(message) };
}

function fromGuard(refused: RequestRefusal): Refusal {
  return {
    status: refused.status,
    headers: { 'content-type': 'application/json', ...refused.headers },
    body: errorBody(refused.message),
  };
}

function errorBody(message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message } });
}

function pathOf(url: string | undefined): string {
  const value = url ?? '/';
  const end = value.search(/[?#]/);
  return end === -1 ? value : value.slice(0, end);
}

function createServerTransport(
  ws: WebSocket,
  channelOptions: ConstructorParameters<typeof SocketChannel>[2],
  channels: Set<SocketChannel>,
  label: string,
): WebSocketServerTransport {
  let state: 'new' | 'started' | 'closed' = 'new';
  const transport: WebSocketServerTransport = {
    onmessage: undefined as ((message: unknown) => void) | undefined,
    onerror: undefined as ((error: Error) => void) | undefined,
    onclose: undefined as ((info: TransportCloseInfo) => void) | undefined,
    get bufferedAmount() {
      return channel.bufferedAmount;
    },
    start: async () => {
      if (state !== 'new') return;
      state = 'started';
      channel.resume();
    },
    send: (message) => channel.send(message),
    close: async () => {
      await channel.close();
    },
  };
  const channel = new SocketChannel(ws, label, channelOptions, {
    onMessage: (message) => transport.onmessage?.(message),
    onError: (error) => transport.onerror?.(error),
    onClose: (error) => {
      state = 'closed';
      channels.delete(channel);
      transport.onclose?.(error === undefined ? {} : { error });
    },
  });
  channels.add(channel);
  // Frames wait in the socket until the peer has set its callbacks and called start().
  channel.pause();
  return transport;
}
