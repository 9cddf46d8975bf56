import type { DroppedMessage } from '@stepflow/jsonrpc';

const MARKER = Symbol.for('@stepflow/transport-stdio/MessageTooLargeError');

/**
 * A message exceeded the maximum size. Incoming: the line was discarded up to its newline
 * (never buffered whole) and the connection stays up. Outgoing: `send` rejects and nothing is
 * written.
 *
 * Local error: never serialised onto the wire.
 */
export class MessageTooLargeError extends Error {
  override readonly name = 'MessageTooLargeError';
  /** Stable, readable error code. */
  readonly code = 'message-too-large';
  /** Which way the message was going. */
  readonly direction: 'incoming' | 'outgoing';
  /** The configured limit, in bytes. */
  readonly maxBytes: number;
  /** The first characters of the message, to help find its sender. */
  readonly preview: string;
  /**
   * Incoming: the `id` and kind read from the start (or end) of the discarded message, when
   * readable; the JSON-RPC peer then fails the request it answered (or answers the request it
   * carried) at once.
   */
  readonly droppedMessage?: DroppedMessage;
  private readonly [MARKER] = true;

  constructor(
    direction: 'incoming' | 'outgoing',
    maxBytes: number,
    preview: string,
    detail: string,
    droppedMessage?: DroppedMessage,
  ) {
    super(
      `${direction === 'incoming' ? 'Incoming' : 'Outgoing'} message exceeds the maximum size of ${formatBytes(maxBytes)} (${detail}); ${
        direction === 'incoming' ? 'discarded up to the next newline' : 'not sent'
      }. It starts with: ${preview}`,
    );
    this.direction = direction;
    this.maxBytes = maxBytes;
    this.preview = preview;
    if (droppedMessage !== undefined) this.droppedMessage = droppedMessage;
  }

  /** Whether `error` is a `MessageTooLargeError`, also across duplicate copies of this package. */
  static isInstance(error: unknown): error is MessageTooLargeError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
