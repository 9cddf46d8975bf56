/** A live protocol session over one transport. */
export interface ServerConnection {
  /** Resolves when the transport has closed and every execution it started has settled. */
  readonly closed: Promise<void>;
  /** Executions running or queued on this connection. */
  readonly activeExecutions: number;
  /**
   * Closes gracefully: new executions are refused (-32000), running ones get `graceMs`
   * (default 5000) to finish, then their `signal` aborts and they are answered with -32003;
   * then the transport closes.
   */
  shutdown(options?: ShutdownOptions): Promise<void>;
}

/** Options of {@link ServerConnection.shutdown}. */
export interface ShutdownOptions {
  /** How long running executions may take to finish before they are failed. Default 5000 ms. */
  readonly graceMs?: number;
}

/** Options of `ComponentServer.connect`. */
export interface ConnectOptions {
  /**
   * When the other side closes the connection, how long running executions may take to finish
   * before their `signal` aborts. Default 5000 ms.
   */
  readonly closeGraceMs?: number;
}
