import type { JsonRpcId, JsonRpcMessage } from './message.ts';

/** Why a transport closed: absent for an orderly close, an error when it died. */
export interface TransportCloseInfo {
  /** The failure that ended the transport (a child's exit, a socket error, …), if any. */
  readonly error?: Error;
}

/** Per-message hints a transport may use; transports that do not need them ignore them. */
export interface TransportSendOptions {
  /**
   * The id of the incoming request this message belongs to (a callback made, or a response
   * given, while handling it). Streamable HTTP servers route such messages into that request's
   * SSE stream.
   */
  readonly relatedRequestId?: JsonRpcId;
}

/**
 * A duplex channel of JSON-RPC messages. It moves opaque messages and knows no method names.
 *
 * Ordering guarantees every implementation keeps:
 * - messages handed to `onmessage` arrive in the order the remote sent them on one channel;
 * - `send` resolves once the message is handed to the underlying channel (not when answered);
 *   `send` after close rejects;
 * - `onclose` fires exactly once, after the last `onmessage`, whether closed locally or remotely;
 * - a message that cannot be parsed is reported to `onerror` and dropped; the transport stays up.
 */
export interface Transport {
  /** Begins delivering messages. Called once, after the callbacks are set. */
  start(): Promise<void>;
  /** Sends one message. */
  send(message: JsonRpcMessage, options?: TransportSendOptions): Promise<void>;
  /** Closes the channel (and anything it owns, such as a child process). Idempotent. */
  close(): Promise<void>;
  /** Receives each parsed incoming message (already `JSON.parse`d, not yet validated). */
  onmessage?: (message: unknown) => void;
  /** Told of recoverable problems: unparsable input, oversized messages, stray output. */
  onerror?: (error: Error) => void;
  /** Told once when the channel has closed, with the cause when it died. */
  onclose?: (info: TransportCloseInfo) => void;
}
