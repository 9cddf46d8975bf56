import { telemetryRequested } from '@stepflow/otel';
import type { CliContext } from './cli-context.ts';
import { onShutdownSignal } from './shutdown-on-signals.ts';

/** Options of {@link withCliTelemetry}. */
export interface CliTelemetryOptions {
  /**
   * The command ends on a shutdown signal by itself, returning normally (`serve`): telemetry is
   * flushed when `work` returns, and the signal is not re-raised, so the exit status stays 0.
   */
  readonly handlesSignals?: boolean;
}

/**
 * Runs a command's work with OpenTelemetry export on when `--otlp-endpoint` or the `OTEL_*`
 * variables ask for it (see `docs/tracing.md`), and flushes what was recorded before it returns:
 * after a failed run too, and on the signal path before the process ends. When export is off the
 * SDK is never loaded, so commands start as fast as without it. Shared by every command that
 * runs flows (`run`, `test`, `serve`, `mcp`).
 */
export async function withCliTelemetry<T>(
  context: CliContext,
  work: () => Promise<T>,
  options: CliTelemetryOptions = {},
): Promise<T> {
  const request = {
    env: context.io.env,
    ...(context.otlpEndpoint === undefined ? {} : { otlpEndpoint: context.otlpEndpoint }),
  };
  if (!telemetryRequested(request)) return work();
  const { startTelemetryFromEnv } = await import('@stepflow/otel');
  const shutdown = await startTelemetryFromEnv({
    ...request,
    serviceName: 'stepflow',
    warn: (message) => context.logger.warn(message),
  });
  const flush = (): Promise<void> =>
    shutdown().catch((error: unknown) =>
      context.logger.warn('could not export telemetry', { error: (error as Error).message }),
    );
  const working = work();
  // On a signal the command's own handler winds the run down; its spans are flushed after that.
  const unregister = options.handlesSignals
    ? () => undefined
    : onShutdownSignal({ stop: () => working.then(flush, flush) });
  try {
    return await working;
  } finally {
    unregister();
    await flush();
  }
}
