/** Default maximum size of one message: 32 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

/** Framing options shared by every stdio transport. */
export interface FramingOptions {
  /** Maximum bytes of one message (one line, without its newline), both ways. Default 32 MiB. */
  readonly maxMessageBytes?: number;
  /**
   * Receives lines that are not JSON (stray output), instead of `onerror`. Either way the line is
   * dropped and the connection stays up.
   */
  readonly onNonJsonLine?: (line: string) => void;
}
