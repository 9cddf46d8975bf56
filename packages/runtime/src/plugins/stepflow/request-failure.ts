import {
  ConnectionClosedError,
  JsonRpcError,
  RequestTimeoutError,
  type TransportCloseInfo,
} from '@stepflow/jsonrpc';
import { ComponentError } from '../../errors/component-error.ts';
import { ComponentUnavailableError } from '../../errors/component-unavailable-error.ts';

/** Which server a failed request went to, for the error it becomes. */
export interface FailedServer {
  /** The plugin's name. */
  readonly name: string;
  /** The server's command line or URL. */
  readonly describe: string;
  /** Why the connection closed, when it did. */
  readonly closedInfo: TransportCloseInfo | undefined;
}

/**
 * What a failed request to a component server becomes: a server error → `ComponentError`, a lost
 * server → `ComponentUnavailableError` (the engine retries it), a timeout or a dropped answer → an
 * `Error` naming the server; anything else as is. `doing` names the request for the message.
 */
export function requestFailure(server: FailedServer, error: unknown, doing: string): unknown {
  if (JsonRpcError.isInstance(error)) {
    return new ComponentError(error.code, error.message, error.data, { cause: error });
  }
  if (RequestTimeoutError.isInstance(error)) {
    return new Error(
      `component server '${server.name}' did not answer in time (defaultTimeoutMs ${error.timeoutMs}) ${doing}`,
      { cause: error },
    );
  }
  if ((error as { droppedMessage?: unknown } | null)?.droppedMessage !== undefined) {
    // The transport dropped the answer unread (too large, say).
    return new Error(`component server '${server.name}' failed ${doing}: ${messageOf(error)}`, {
      cause: error,
    });
  }
  if (ConnectionClosedError.isInstance(error) || server.closedInfo !== undefined) {
    const cause = server.closedInfo?.error ?? (error as Error).cause ?? error;
    return new ComponentUnavailableError(
      `component server '${server.name}' (${server.describe}) stopped while ${doing}: ${messageOf(cause)}`,
      { cause: error },
    );
  }
  return error;
}

/** An error's message, or the thrown value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
