import type { JsonRpcId, JsonRpcMessage } from './message.ts';

/** Why a transport closed: absent for an orderly close, an error when it died. */
export interface TransportCloseInfo {
  /** The failure that ended the transport (a child's exit, a socket error, …), if any. */
  readonly error?: Error;
}

/**
 * What a transport can tell of a message it dropped unread (too large, say) from the part it
 * did read: the envelope's `id` and whether it was a request or a response. A transport attaches
 * it as `droppedMessage` to the error it passes to `onerror`; the peer then fails the pending
 * request that response answered, or answers that request with an error, at once, instead of
 * leaving either side waiting for a message that will never arrive.
 */
export interface DroppedMessage {
  /** The `id` of the dropped message. */
  readonly id: JsonRpcId;
  /** Whether it was a request (it had a `method`) or a response (`result` or `error`). */
  readonly kind: 'request' | 'response';
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
 * - a message that cannot be parsed is reported to `onerror` and dropped; the transport stays up;
 *   when its envelope could be read, the error carries a `droppedMessage` ({@link DroppedMessage}).
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
  /**
   * Told of recoverable problems: unparsable input, oversized messages, stray output. An error
   * about a dropped message may carry `droppedMessage` ({@link DroppedMessage}).
   */
  onerror?: (error: Error) => void;
  /** Told once when the channel has closed, with the cause when it died. */
  onclose?: (info: TransportCloseInfo) => void;
}
