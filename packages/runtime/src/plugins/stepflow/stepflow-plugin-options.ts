import type { RestartPolicy } from './restart-policy.ts';
import type { StepflowTransportFactories } from './stepflow-transports.ts';

/** Options of {@link createStepflowPluginFactory}. */
export interface StepflowPluginFactoryOptions {
  /** Transport factories by `transport` name. */
  readonly transports: StepflowTransportFactories;
  /** Environment stdio children take `PATH`, `HOME`, … from (DECISIONS item 17); default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Restart policy (partial values override the defaults). */
  readonly restart?: Partial<RestartPolicy>;
  /**
   * How long a server may take to answer `initialize` before it counts as not answering (it is
   * killed and restarted). Default 30 000 ms; a plugin's `initializeTimeoutMs` overrides it.
   */
  readonly initializeTimeoutMs?: number;
  /** Waits between restarts; default `timers/promises` `setTimeout` (tests may inject). */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Default time a server has to answer `initialize`. */
export const DEFAULT_INITIALIZE_TIMEOUT_MS = 30_000;
