import {
  createStreamableHttpHandler,
  defaultAllowedHostsFor,
  listenHttp,
  type HttpServerTimeouts,
} from '@stepflow/transport-http';
import type { ComponentServer, ServerConnection } from './component-server.ts';
import { checkUdfExposure } from './internal/udf-exposure.ts';

/**
 * Options of {@link serveHttp}. `requestTimeoutMs` (default 60 000) and `headersTimeoutMs`
 * (default 10 000) bound how long a client may take to send a request; past them it gets 408.
 */
export interface ServeHttpOptions extends HttpServerTimeouts {
  /** The address to bind (default `'127.0.0.1'`: loopback only; `'0.0.0.0'` for all interfaces). */
  readonly host?: string;
  /** The port (default 8080, as the Python SDK; 0 picks a free one). */
  readonly port?: number;
  /** When set, every POST must carry `Authorization: Bearer <token>` (else 401). */
  readonly token?: string;
  /**
   * Serve the built-in `/udf` component without a `token` (default `false`: refuse to start).
   * `/udf` runs arbitrary code sent by whoever connects; opting in prints a warning on stderr.
   */
  readonly allowUnauthenticatedUdf?: boolean;
  /**
   * Host names accepted in the `Host` header (DNS-rebinding protection; others get 403). Default:
   * loopback names for a loopback bind, the address plus loopback for a specific address, any
   * host for a wildcard bind.
   */
  readonly allowedHosts?: readonly string[] | 'any';
  /** Browser origins allowed to call; default none (403 on any `Origin` header). */
  readonly allowedOrigins?: readonly string[] | 'any';
  /** Largest request body in bytes (default 16 MiB; larger → 413). */
  readonly maxBodyBytes?: number;
  /** Enables `Stepflow-Session-Id` sessions opened by `initialize` (our extension; default off). */
  readonly sessions?: boolean | { readonly idleTimeoutMs?: number };
  /** How long running executions may take to finish on {@link HttpServerHandle.close} (default 5000 ms). */
  readonly graceMs?: number;
}

/** A component server listening for streamable HTTP. */
export interface HttpServerHandle {
  /** The URL a runtime configures (`http://127.0.0.1:8080/`). */
  readonly url: string;
  /** The bound port. */
  readonly port: number;
  /** The `Stepflow-Instance-Id` this process reports. */
  readonly instanceId: string;
  /** The protocol connection (one for all HTTP clients). */
  readonly connection: ServerConnection;
  /** Stops accepting work, lets running executions finish (up to `graceMs`), then stops listening. */
  close(): Promise<void>;
}

/**
 * Serves `server` over streamable HTTP, wire-compatible with the Python SDK: `POST /` answered
 * with JSON or, when a component calls back, an SSE stream; `GET /health`.
 *
 * @throws Error when the built-in `/udf` is on and neither `token` nor
 * `allowUnauthenticatedUdf` is set (see {@link ServeHttpOptions.allowUnauthenticatedUdf}).
 *
 * @example
 * ```ts
 * const handle = await serveHttp(server, { port: 8080 });
 * console.error(`listening on ${handle.url}`);
 * ```
 */
export async function serveHttp(
  server: ComponentServer,
  options: ServeHttpOptions = {},
): Promise<HttpServerHandle> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  checkUdfExposure(server, options, 'serveHttp', `${host}:${port}`);
  const handler = createStreamableHttpHandler({
    service: server.name,
    allowedHosts: options.allowedHosts ?? defaultAllowedHostsFor(host),
    ...(options.allowedOrigins !== undefined && { allowedOrigins: options.allowedOrigins }),
    ...(options.token !== undefined && { token: options.token }),
    ...(options.maxBodyBytes !== undefined && { maxBodyBytes: options.maxBodyBytes }),
    ...(options.sessions !== undefined && { sessions: options.sessions }),
  });
  const graceMs = options.graceMs ?? 5000;
  const connection = await server.connect(handler.transport, { closeGraceMs: graceMs });
  const listener = await listenHttp(handler, {
    host,
    port,
    ...(options.requestTimeoutMs !== undefined && { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.headersTimeoutMs !== undefined && { headersTimeoutMs: options.headersTimeoutMs }),
  }).catch(async (error: unknown) => {
    await connection.shutdown({ graceMs: 0 });
    throw error;
  });
  return {
    url: listener.url,
    port: listener.port,
    instanceId: handler.instanceId,
    connection,
    close: async () => {
      await connection.shutdown({ graceMs });
      await listener.close();
    },
  };
}
