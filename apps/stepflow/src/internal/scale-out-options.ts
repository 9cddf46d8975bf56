import type { Logger } from '@stepflow/runtime';
import type { RunFences, ScaleOutOptions, Service } from '@stepflow/service';
import { CliError } from './cli-error.ts';
import { ownerIsDeadHere } from './run-lease.ts';

/** Runs executing at once per runtime when `--max-runs` is not given. */
export const DEFAULT_CLI_MAX_RUNS = 64;
/** How long a drain waits for in-flight runs before handing their leases back. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

/** A lease's lifetime without renewal when `--lease-ttl` is not given. */
export const DEFAULT_CLI_LEASE_TTL_MS = 30_000;

/** The options `serve` and `worker` share for running on a shared store. */
export interface ScaleOutFlags {
  readonly maxRuns?: string;
  readonly drainTimeout?: string;
  readonly leaseTtl?: string;
}

/** The option texts of {@link ScaleOutFlags}, for `--help`. */
export const SCALE_OUT_HELP = {
  maxRuns: `runs executing at once in this process, on a shared store (default ${DEFAULT_CLI_MAX_RUNS})`,
  drainTimeout: `on SIGTERM, how long to wait for runs in flight before handing them to other runtimes (default ${DEFAULT_DRAIN_TIMEOUT_MS})`,
  leaseTtl: `how long a run's lease lives without renewal: a dead runtime's runs move after it; renewed every third of it (default ${DEFAULT_CLI_LEASE_TTL_MS})`,
} as const;

/** A positive integer option (`--max-runs`, `--drain-timeout`), or its default. */
function countOption(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 2 ** 31)
    throw new CliError(`${name} ${text}: expected a positive integer`);
  return value;
}

/** {@link ScaleOutFlags} checked (a usage error names the bad one). */
export interface ScaleOutSettings {
  readonly maxRuns: number;
  readonly leaseTtlMs: number;
  readonly drainTimeoutMs: number;
}

/** Checks the flags before anything is opened. */
export function parseScaleOutFlags(flags: ScaleOutFlags): ScaleOutSettings {
  return {
    maxRuns: countOption('--max-runs', flags.maxRuns, DEFAULT_CLI_MAX_RUNS),
    leaseTtlMs: countOption('--lease-ttl', flags.leaseTtl, DEFAULT_CLI_LEASE_TTL_MS),
    drainTimeoutMs: countOption('--drain-timeout', flags.drainTimeout, DEFAULT_DRAIN_TIMEOUT_MS),
  };
}

/** The service's `scaleOut` for a runtime whose journal is fenced by `fences`. */
export function scaleOutOptions(
  fences: RunFences,
  settings: ScaleOutSettings,
  logger: Logger,
): ScaleOutOptions {
  return {
    fences,
    maxRuns: settings.maxRuns,
    leaseTtlMs: settings.leaseTtlMs,
    isDeadOwner: ownerIsDeadHere,
    onError: (error, what) =>
      logger.warn(`${what}: ${error instanceof Error ? error.message : String(error)}`),
  };
}

/**
 * A graceful stop of a runtime sharing its store: claims no more runs and waits up to
 * `timeoutMs` for those executing here, then `close` (the service, the runtime: what is still in
 * flight stays resumable) and hands every lease back, so other runtimes take those runs at once.
 */
export async function drainRuntime(
  service: Service,
  timeoutMs: number,
  logger: Logger,
  close: () => Promise<void>,
): Promise<void> {
  const claimer = service.claimer;
  if (claimer === undefined) return close();
  logger.info(`draining: waiting up to ${timeoutMs} ms for ${claimer.activeCount} runs`);
  const left = await claimer.drain(timeoutMs);
  await close();
  const released = await claimer.release();
  logger.info(
    `drained: ${left} runs still executing were handed back (${released.length} leases released)`,
  );
}
