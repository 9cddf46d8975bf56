import { createComponentServer, type ComponentServer } from '@stepflow/server-sdk';
import { addBlobComponents } from './components/blobs.ts';
import { addDiagnostics } from './components/diagnostics.ts';
import { addEcho } from './components/echo.ts';
import { addFail } from './components/fail.ts';
import { addJsonTransform } from './components/json-transform.ts';
import { addRunFlow } from './components/run-flow.ts';
import { addSlow } from './components/slow.ts';
import { addTextStats } from './components/text-stats.ts';

/** Options of {@link createSampleServer}. */
export interface SampleServerOptions {
  /** Executions at once; more queue. Default: unlimited. */
  readonly maxConcurrency?: number;
  /** Time limit of one execution in milliseconds. Default: none. */
  readonly executionTimeoutMs?: number;
  /** Where log lines go (default stderr). */
  readonly writeLog?: (line: string) => void;
}

/**
 * Creates the sample component server: `/text_stats`, `/json_transform`, `/store_blob`,
 * `/read_blob`, `/run_flow`, `/map_flow`, `/fail`, `/slow`, `/echo`, the diagnostics `/crash_once`,
 * `/step_metadata`, `/concurrency_probe`, `/blob_roundtrip` and the built-in `/udf`.
 */
export function createSampleServer(options: SampleServerOptions = {}): ComponentServer {
  const server = createComponentServer({
    name: 'stepflow-sample-server',
    version: '0.1.0',
    ...options,
  });
  addTextStats(server);
  addJsonTransform(server);
  addBlobComponents(server);
  addRunFlow(server);
  addFail(server);
  addSlow(server);
  addEcho(server);
  addDiagnostics(server);
  return server;
}
