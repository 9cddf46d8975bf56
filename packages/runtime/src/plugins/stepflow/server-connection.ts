import { createJsonRpcPeer, type Transport, type TransportCloseInfo } from '@stepflow/jsonrpc';
import { PROTOCOL_VERSION, type ComponentInfo } from '@stepflow/protocol';
import type { Logger } from '../../logger.ts';
import { messageOf } from './request-failure.ts';
import {
  registerRuntimeCallbacks,
  type CallbackResolver,
  type RuntimePeer,
} from './runtime-callbacks.ts';
import { unslashedNames } from './unslashed-names.ts';

/** One started component server: its peer, and what its handshake told. */
export interface ServerConnection {
  readonly peer: RuntimePeer;
  readonly transport: Transport;
  /** Set once the handshake completed: a later close is a crash. */
  established: boolean;
  /** Set once the connection closed (with its cause). */
  closedInfo: TransportCloseInfo | undefined;
  /**
   * The server's own spelling of components it lists without a leading slash, by routed name
   * (`/add` → `add`); absent when it lists none such (or cannot list).
   */
  names: ReadonlyMap<string, string> | undefined;
  /** What the server listed at its handshake: its components do not change while it runs. */
  listed: ComponentInfo[] | undefined;
}

/** Options of {@link connectServer}. */
export interface ConnectServerOptions {
  /** The plugin's name, for log lines. */
  readonly name: string;
  readonly transport: Transport;
  readonly logger: Logger;
  /** How long each handshake request may take. */
  readonly initializeTimeoutMs: number;
  /** Aborts the handshake when the plugin closes. */
  readonly signal: AbortSignal;
  /** Finds the execution a callback of the server belongs to. */
  readonly resolveCallback: CallbackResolver;
  /** Called once the connection exists (before the handshake), to track it. */
  readonly onOpened: (connection: ServerConnection) => void;
  /** Called when the connection closes, after `closedInfo` is set. */
  readonly onClosed: (connection: ServerConnection, info: TransportCloseInfo) => void;
}

/**
 * Starts a transport and runs the handshake `initialize {runtime_protocol_version}` → result →
 * `initialized`, then lists the server's components once. A failed handshake closes the
 * connection and throws `the server did not start: …` with the close cause when there is one.
 */
export async function connectServer(options: ConnectServerOptions): Promise<ServerConnection> {
  const { name, logger } = options;
  const peer: RuntimePeer = createJsonRpcPeer(options.transport, {
    onError: (error) =>
      logger.warn(`component server '${name}': ${error.message}`, { plugin: name }),
  });
  const connection: ServerConnection = {
    peer,
    transport: options.transport,
    established: false,
    closedInfo: undefined,
    names: undefined,
    listed: undefined,
  };
  options.onOpened(connection);
  void peer.closed.then((info) => {
    connection.closedInfo = info;
    options.onClosed(connection, info);
  });
  registerRuntimeCallbacks(peer, options.resolveCallback);
  const bounded = { timeoutMs: options.initializeTimeoutMs, signal: options.signal };
  try {
    await peer.start();
    const result = await peer.request(
      'initialize',
      { runtime_protocol_version: PROTOCOL_VERSION },
      bounded,
    );
    if (result.server_protocol_version !== PROTOCOL_VERSION) {
      logger.warn(
        `component server '${name}' speaks protocol version ${String(result.server_protocol_version)}`,
        { plugin: name, expected: PROTOCOL_VERSION },
      );
    }
    await peer.notify('initialized', {});
    const listed = await listAtStart(peer, name, logger, bounded);
    const components = (listed as { components?: unknown } | undefined)?.components;
    if (Array.isArray(components)) connection.listed = components as ComponentInfo[];
    connection.names = unslashedNames(listed);
  } catch (error) {
    const reason = connection.closedInfo?.error ?? error;
    await peer.close(error instanceof Error ? error : new Error(String(error)));
    throw new Error(`the server did not start: ${messageOf(reason)}`, { cause: reason });
  }
  connection.established = true;
  logger.debug(`component server '${name}' is ready`, { plugin: name });
  return connection;
}

/**
 * The server's `components/list`, asked once per (re)start: servers built with the reference
 * TypeScript SDK list (and only accept) names without the leading slash routing gives (`add`,
 * not `/add`), and later listings (output schemas, `list-components`) are answered from it. A
 * server that cannot list keeps the routed names.
 */
async function listAtStart(
  peer: RuntimePeer,
  name: string,
  logger: Logger,
  bounded: { readonly timeoutMs: number; readonly signal: AbortSignal },
): Promise<unknown> {
  try {
    return await peer.request('components/list', {}, bounded);
  } catch (error) {
    logger.debug(`component server '${name}' did not list its components`, {
      plugin: name,
      error: messageOf(error),
    });
    return undefined;
  }
}
