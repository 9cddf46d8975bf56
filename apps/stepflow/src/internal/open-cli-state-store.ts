import type { LoadedConfig } from '@stepflow/runtime';
import { openStateStore } from '@stepflow/node-runtime';
import { redactUrl, stateStoreUrlOf, type StateStore } from '@stepflow/state-store';
import { CliError, ExitCode } from './cli-error.ts';

/** A state store a command opened, with what it says about itself. */
export interface CliStateStore {
  readonly store: StateStore;
  /** The store's URL with any password replaced by `***` (for messages). */
  readonly name: string;
  /** Whether runs in it outlive the process (`memory` does not). */
  readonly durable: boolean;
}

/**
 * Opens the store `--store` names, else the config's `stateStore`, else `fallbackUrl` (`memory`
 * unless the command says otherwise: `serve` keeps its runs in SQLite by default). The config's
 * `autoMigrate` and `maxConnections` apply either way. A relative SQLite path in `--store` is
 * relative to `cwd`. A store that cannot be opened or migrated
 * becomes a usage `CliError` naming it (never with its password); the caller closes the store.
 */
export async function openCliStateStore(
  storeUrl: string | undefined,
  config: LoadedConfig,
  cwd: string,
  fallbackUrl = 'memory',
): Promise<CliStateStore> {
  const configured = config.config.stateStore;
  const url = storeUrl ?? (configured === undefined ? fallbackUrl : stateStoreUrlOf(configured));
  const name = redactUrl(url);
  const options =
    configured === undefined || configured.type === 'inMemory'
      ? {}
      : { autoMigrate: configured.autoMigrate, maxConnections: configured.maxConnections };
  let store: StateStore;
  try {
    // A relative SQLite path on the command line is the user's, from where they are; in a
    // config file it is relative to the config's working directory.
    const workingDirectory =
      storeUrl === undefined && configured !== undefined ? config.workingDirectory : cwd;
    store = await openStateStore(url, { workingDirectory, ...options });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    // The driver's message may quote the URL; only its redacted form may be shown.
    const safe = detail.split(url).join(name);
    throw new CliError(`state store ${name}: cannot open: ${safe}`, ExitCode.usage, {
      cause: error,
    });
  }
  return { store, name, durable: store.kind !== 'memory' };
}
