import type { ComponentServer } from './component-server.ts';

/** Options of {@link serveStdio}. */
export interface ServeStdioOptions {
  /** How long in-flight executions may take to finish on SIGTERM or stdin EOF. Default 5000 ms. */
  readonly graceMs?: number;
}

/** A running stdio server. */
export interface StdioServerHandle {
  /** Resolves when the server has shut down. */
  readonly closed: Promise<void>;
}

/** Serves `server` over this process's stdin/stdout. */
export async function serveStdio(_server: ComponentServer, _options: ServeStdioOptions = {}): Promise<StdioServerHandle> {
  throw new Error('not yet');
}
