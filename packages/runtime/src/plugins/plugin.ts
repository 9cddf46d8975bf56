import type { ComponentInfo, FlowResult } from '@stepflow/protocol';
import type { Logger } from '../logger.ts';
import type { RuntimeServices } from '../services/runtime-services.ts';

/** Everything a component execution knows about where it runs. */
export interface ExecutionContext {
  /** Id of the run the step belongs to. */
  readonly runId: string;
  /** Blob id of the flow being run. */
  readonly flowId: string;
  /** Id of the step being executed. */
  readonly stepId: string;
  /** 1-based attempt number (higher on `onError: retry` and transport retries). */
  readonly attempt: number;
  /** Aborted when the run is cancelled or the step times out. */
  readonly signal: AbortSignal;
  /** Callbacks into the runtime (blobs, nested flows, batches). */
  readonly services: RuntimeServices;
  /** Logger for this execution. */
  readonly logger: Logger;
  /** W3C trace id of the run (32 lowercase hex digits), sent to component servers. */
  readonly traceId?: string;
  /**
   * W3C span id of this component call (16 lowercase hex digits) when a tracer records it; a
   * plugin that needs one otherwise (to send it to a component server) makes its own.
   */
  readonly spanId?: string | undefined;
}

/** One request to execute a component. */
export interface ComponentExecution {
  /** The post-routing component name, e.g. `/eval` for the step component `/builtin/eval`. */
  readonly component: string;
  /** The fully resolved step input. */
  readonly input: unknown;
  /** Run, step and attempt, cancellation and callbacks. */
  readonly context: ExecutionContext;
}

/**
 * A source of components (builtins, mocks, a component server, …).
 *
 * `execute` resolves with a FlowResult (success, failed or skipped) or throws a `ComponentError`
 * (a step failure subject to `onError`) or a `ComponentUnavailableError` (crash or unreachable:
 * the engine retries with a higher attempt number within the transport budget). Anything else
 * thrown is treated like a `ComponentError` with code 500.
 */
export interface Plugin {
  /** The plugin's name in the config (`plugins.<name>`). */
  readonly name: string;
  /** Starts the plugin (spawn, handshake, …); called once before the first run. */
  start?(): Promise<void>;
  /** Lists the components the plugin provides. */
  listComponents(): Promise<ComponentInfo[]>;
  /** Executes one component. */
  execute(execution: ComponentExecution): Promise<FlowResult>;
  /** Releases every resource (processes, sockets). Idempotent. */
  close(): Promise<void>;
}

/** What a `PluginFactory` receives. */
export interface PluginFactoryArgs {
  /** The plugin's name in the config. */
  readonly name: string;
  /** The plugin's config object, as written under `plugins.<name>` (aliases normalised). */
  readonly config: Record<string, unknown> & { readonly type: string };
  /** The working directory of the runtime (§4.6). */
  readonly workingDirectory: string;
  /** Logger for the plugin. */
  readonly logger: Logger;
  /**
   * Callbacks into the runtime not tied to any run, for requests that cannot be matched to an
   * execution (a component server's callback without `observability`): nested runs started
   * through them have no parent run and end when the runtime closes. `createRuntime` always
   * provides them.
   */
  readonly services?: RuntimeServices;
}

/** Creates a plugin from its config; registered per plugin `type` in `RuntimeOptions.pluginFactories`. */
export type PluginFactory = (args: PluginFactoryArgs) => Plugin;

/** A component as `Runtime.listComponents` reports it. */
export interface ListedComponent {
  /** Name of the plugin that provides it. */
  readonly plugin: string;
  /** The component as the plugin describes it (post-routing name, description, schemas). */
  readonly info: ComponentInfo;
}
