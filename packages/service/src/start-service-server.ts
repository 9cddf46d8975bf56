import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { nodeHttpTimeouts } from '@stepflow/transport-http';
import type { Service } from './create-service.ts';

/** Where to listen. */
export interface ServiceServerOptions {
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 7837; 0 picks a free port. */
  readonly port?: number;
}

/** A listening service. */
export interface ServiceServer {
  /** `http://host:port` it listens on. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, drops open connections (event streams) and resolves once closed. */
  close(): Promise<void>;
}

/** Serves `service` over HTTP on Node, with the header and request timeouts of every server. */
export async function startServiceServer(
  service: Service,
  options: ServiceServerOptions = {},
): Promise<ServiceServer> {
  const host = options.host ?? '127.0.0.1';
  let server!: Server;
  const port = await new Promise<number>((resolve, reject) => {
    server = serve(
      {
        fetch: service.fetch,
        hostname: host,
        port: options.port ?? 7837,
        serverOptions: { ...nodeHttpTimeouts() },
      },
      (info: AddressInfo) => resolve(info.port),
    ) as Server;
    server.once('error', reject);
  });
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
