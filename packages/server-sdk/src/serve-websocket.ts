import type { HttpServerTimeouts } from '@stepflow/transport-http';
import { listenWebSocket } from '@stepflow/transport-ws';
import type { ComponentServer, ServerConnection } from './component-server.ts';
import { checkUdfExposure } from './internal/udf-exposure.ts';

/**
 * Options of {@link serveWebSocket}. `requestTimeoutMs` (default 60 000) and `headersTimeoutMs`
 * (default 10 000) bound how long a client may take to send its upgrade request (408 past them).
 */
export interface ServeWebSocketOptions extends HttpServerTimeouts {
  /** The address to bind (default `'127.0.0.1'`: loopback only). */
  readonly host?: string;
  /** The port (default 8080; 0 picks a free one). */
  readonly port?: number;
  /** The path clients connect to (default `'/'`). */
  readonly path?: string;
  /** When set, the upgrade request must carry `Authorization: Bearer <token>` (else 401). */
  readonly token?: string;
  /**
   * Serve the built-in `/udf` component without a `token` (default `false`: refuse to start).
   * `/udf` runs arbitrary code sent by whoever connects; opting in prints a warning on stderr.
   */
  readonly allowUnauthenticatedUdf?: boolean;
  /** Host names accepted in the `Host` header (DNS-rebinding protection; defaults as `serveHttp`). */
  readonly allowedHosts?: readonly string[] | 'any';
  /** Browser origins allowed to connect; default none. */
  readonly allowedOrigins?: readonly string[] | 'any';
  /** Largest incoming message in bytes (default 64 MiB). */
  readonly maxPayloadBytes?: number;
  /** Keep-alive ping interval (default 30 000 ms). */
  readonly pingIntervalMs?: number;
  /** How long running executions may take to finish on close or disconnect (default 5000 ms). */
  readonly graceMs?: number;
}

/** A component server listening for WebSocket connections. */
export interface WebSocketServerHandle {
  /** The URL a runtime configures (`ws://127.0.0.1:8080/`). */
  readonly url: string;
  /** The bound port. */
  readonly port: number;
  /** The live connections (one per connected runtime). */
  readonly connections: ReadonlySet<ServerConnection>;
  /** Stops accepting connections, lets running executions finish (up to `graceMs`), then closes. */
  close(): Promise<void>;
}

/**
 * Serves `server` over WebSocket (our extension): one JSON-RPC message per text frame, each
 * connection a protocol session of its own; `GET /health` on the same port.
 *
 * @throws Error when the built-in `/udf` is on and neither `token` nor
 * `allowUnauthenticatedUdf` is set (see {@link ServeWebSocketOptions.allowUnauthenticatedUdf}).
 *
 * @example
 * ```ts
 * const handle = await serveWebSocket(server, { port: 8081 });
 * ```
 */
export async function serveWebSocket(
  server: ComponentServer,
  options: ServeWebSocketOptions = {},
): Promise<WebSocketServerHandle> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  checkUdfExposure(server, options, 'serveWebSocket', `${host}:${port}`);
  const graceMs = options.graceMs ?? 5000;
  const connections = new Set<ServerConnection>();
  const listener = await listenWebSocket({
    host,
    port,
    service: server.name,
    ...(options.path !== undefined && { path: options.path }),
    ...(options.token !== undefined && { token: options.token }),
    ...(options.allowedHosts !== undefined && { allowedHosts: options.allowedHosts }),
    ...(options.allowedOrigins !== undefined && { allowedOrigins: options.allowedOrigins }),
    ...(options.maxPayloadBytes !== undefined && { maxPayloadBytes: options.maxPayloadBytes }),
    ...(options.pingIntervalMs !== undefined && { pingIntervalMs: options.pingIntervalMs }),
    ...(options.requestTimeoutMs !== undefined && { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.headersTimeoutMs !== undefined && { headersTimeoutMs: options.headersTimeoutMs }),
    onConnection: (transport) => {
      void server.connect(transport, { closeGraceMs: graceMs }).then((connection) => {
        connections.add(connection);
        void connection.closed.then(() => connections.delete(connection));
      });
    },
  });
  return {
    url: listener.url,
    port: listener.port,
    connections,
    close: async () => {
      await Promise.all([...connections].map((connection) => connection.shutdown({ graceMs })));
      await listener.close();
    },
  };
}
