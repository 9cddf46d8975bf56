import { abortable } from '../abortable.ts';
import { setTimeout as delay } from 'node:timers/promises';
import {
  ConnectionClosedError,
  JsonRpcError,
  RequestTimeoutError,
  createJsonRpcPeer,
  type Transport,
  type TransportCloseInfo,
} from '@stepflow/jsonrpc';
import {
  ErrorCodes,
  PROTOCOL_VERSION,
  type ComponentInfo,
  type FlowResult,
  type ObservabilityContext,
} from '@stepflow/protocol';
import { ComponentError } from '../../errors/component-error.ts';
import { ComponentUnavailableError } from '../../errors/component-unavailable-error.ts';
import { ConfigError } from '../../errors/config-error.ts';
import type { Logger } from '../../logger.ts';
import type { ComponentExecution, Plugin, PluginFactory, PluginFactoryArgs } from '../plugin.ts';
import { ComponentServerDeadError } from './component-server-dead-error.ts';
import { runtimeMetrics } from '../../telemetry/runtime-metrics.ts';
import { createSpanIds } from '../../telemetry/trace-ids.ts';
import { DEFAULT_RESTART_POLICY, restartDelay, type RestartPolicy } from './restart-policy.ts';
import { registerRuntimeCallbacks, type RuntimePeer } from './runtime-callbacks.ts';
import { unslashedNames } from './unslashed-names.ts';
import { ExecutionsInFlight } from './executions-in-flight.ts';
import { resolveStdioLaunch, type StdioLaunch } from './stdio-launch.ts';
import { firstLine, isPermanentSpawnFailure, startFailureSignature } from './start-failure.ts';

/** Span ids of calls no tracer records (the ids only correlate, so `Math.random` will do). */
const nextSpanId = createSpanIds(Math.random);

/** What a transport factory gets besides the transport config. */
export interface StepflowTransportContext {
  /** The plugin's name in the config. */
  readonly pluginName: string;
  /** The runtime's working directory. */
  readonly workingDirectory: string;
  /** The plugin's logger. */
  readonly logger: Logger;
  /** Logs one line the server wrote to stderr, tagged with the plugin (info level). */
  readonly logStderrLine: (line: string) => void;
  /** Logs, tagged with the plugin, one stdout line that is not a protocol message (it is dropped). */
  readonly logNonProtocolLine: (line: string) => void;
}

/** Config of a network transport (`http`, `websocket`), `${VAR}` already substituted. */
export interface NetworkTransportConfig {
  /** The server's URL. */
  readonly url: string;
  /** Extra request or handshake headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** Per-request timeout in milliseconds, when configured. */
  readonly timeoutMs?: number;
}

/**
 * Creates transports for `type: stepflow` plugins, per `transport`. The runtime never imports a
 * concrete transport: the application (the CLI) injects these. Each call must return a fresh,
 * unstarted transport; the plugin calls it again to restart a server.
 */
export interface StepflowTransportFactories {
  /** Spawns a child process speaking newline-delimited JSON-RPC over stdin/stdout. */
  readonly stdio?: (launch: StdioLaunch, context: StepflowTransportContext) => Transport;
  /** Connects to a streamable HTTP server. */
  readonly http?: (config: NetworkTransportConfig, context: StepflowTransportContext) => Transport;
  /** Connects to a WebSocket server. */
  readonly websocket?: (
    config: NetworkTransportConfig,
    context: StepflowTransportContext,
  ) => Transport;
}

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

/**
 * Creates the factory of `type: stepflow` plugins (component servers over stdio, HTTP or
 * WebSocket); register it as `pluginFactories: { stepflow: createStepflowPluginFactory(...) }`.
 *
 * Lifecycle: the server is started **lazily**, at the first `execute` or `listComponents`, so a
 * server that cannot start fails only the steps routed to it (and `start()` does nothing). Every
 * (re)start runs the handshake `initialize {runtime_protocol_version: 1}` → result →
 * `initialized`. A server that exits, or does not answer `initialize` in time, is restarted with
 * exponential backoff on next use; executions in flight when it died fail with
 * `ComponentUnavailableError`, so the engine retries them with `attempt + 1`. After
 * `maxConsecutiveFailures` failures in a row (reset by any successful response) the plugin is
 * dead and its steps fail with `ComponentServerDeadError`. A JSON-RPC error from
 * `components/execute` becomes a `ComponentError` with the server's code, message and data.
 * While an execute request is pending the server may call back (`blobs/*`, `flows/*`); each
 * callback is matched to its execution by the `run_id`/`step_id` of its `observability` and
 * served with that execution's `RuntimeServices`. A callback without them (the Python SDK sends
 * `observability: null` when it has no trace span) is served by the only execution in flight,
 * else by the run all executions in flight belong to, else as the reference does: nested runs
 * without a parent run.
 *
 * @example
 * const runtime = createRuntime({
 *   config, workingDirectory,
 *   pluginFactories: { stepflow: createStepflowPluginFactory({ transports: { stdio: (launch, ctx) =>
 *     spawnStdioTransport({ ...launch, stderrLines: ctx.logStderrLine, onNonJsonLine: ctx.logNonProtocolLine }) } }) },
 * });
 */
export function createStepflowPluginFactory(options: StepflowPluginFactoryOptions): PluginFactory {
  return (args) => new ComponentServerPlugin(args, options);
}

interface Connection {
  readonly peer: RuntimePeer;
  readonly transport: Transport;
  /** Set once the handshake completed: a later close is a crash. */
  established: boolean;
  /** Set once the connection closed (with its cause). */
  closedInfo: TransportCloseInfo | undefined;
  /**
   * The server's own spelling of components it lists without a leading slash, by routed name
   * (`/add` → `add`); absent when it lists none such (or cannot list).
   */
  names: ReadonlyMap<string, string> | undefined;
  /** What the server listed at its handshake: its components do not change while it runs. */
  listed: ComponentInfo[] | undefined;
}

class ComponentServerPlugin implements Plugin {
  readonly name: string;
  readonly #logger: Logger;
  readonly #createTransport: () => Transport;
  readonly #describe: string;
  readonly #policy: RestartPolicy;
  readonly #initializeTimeoutMs: number;
  /** Bound of each `components/execute` request (`defaultTimeoutMs`), if configured. */
  readonly #executeTimeoutMs: number | undefined;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #closing = new AbortController();
  readonly #connections = new Set<Connection>();
  readonly #inFlight: ExecutionsInFlight;
  /** The established, open connection, if any. */
  #live: Connection | undefined;
  /** A (re)start in progress, shared by every caller waiting for it. */
  #connecting: Promise<Connection> | undefined;
  /** Waits for `#connecting` that end early when their signal aborts, shared per signal. */
  readonly #waits = new WeakMap<
    AbortSignal,
    { readonly connecting: Promise<Connection>; readonly wait: Promise<Connection> }
  >();
  #failures = 0;
  /** Whether a server was started before: every later start is a restart. */
  #launched = false;
  /** What the last failed start looked like (see `startFailureSignature`). */
  #lastStartFailure: string | undefined;
  #dead: ComponentServerDeadError | undefined;

  constructor(args: PluginFactoryArgs, options: StepflowPluginFactoryOptions) {
    this.name = args.name;
    this.#logger = args.logger;
    this.#inFlight = new ExecutionsInFlight(args.services);
    const config = args.config;
    const field = (key: string): string => `plugins.${args.name}.${key}`;
    const context: StepflowTransportContext = {
      pluginName: args.name,
      workingDirectory: args.workingDirectory,
      logger: args.logger,
      logStderrLine: (line) => args.logger.info(`[${args.name}] ${line}`, { plugin: args.name }),
      logNonProtocolLine: (line) =>
        args.logger.warn(
          `component server '${args.name}' wrote a line that is not a protocol message; dropped`,
          {
            plugin: args.name,
            line: line.length > 200 ? `${line.slice(0, 200)}…` : line,
          },
        ),
    };
    const transport = config.transport;
    if (transport === 'stdio') {
      const factory = options.transports.stdio;
      if (!factory)
        throw new ConfigError(`transport 'stdio' is not available in this build`, {
          field: field('transport'),
        });
      const launch = resolveStdioLaunch(
        args.name,
        config,
        args.workingDirectory,
        options.env ?? process.env,
      );
      this.#describe = [launch.command, ...launch.args].join(' ');
      this.#createTransport = () => factory(launch, context);
    } else if (transport === 'http' || transport === 'websocket') {
      const factory = options.transports[transport];
      if (!factory)
        throw new ConfigError(`transport '${transport}' is not available in this build`, {
          field: field('transport'),
        });
      if (typeof config.url !== 'string' || config.url === '') {
        throw new ConfigError(`'url' must be a non-empty string`, { field: field('url') });
      }
      const network: NetworkTransportConfig = {
        url: config.url,
        headers: stringMap(config.headers),
        ...(typeof config.timeoutMs === 'number' ? { timeoutMs: config.timeoutMs } : {}),
      };
      this.#describe = config.url;
      this.#createTransport = () => factory(network, context);
    } else {
      throw new ConfigError(
        `unknown transport ${JSON.stringify(transport)} (expected stdio, http or websocket)`,
        {
          field: field('transport'),
        },
      );
    }
    this.#policy = { ...DEFAULT_RESTART_POLICY, ...options.restart };
    this.#initializeTimeoutMs =
      typeof config.initializeTimeoutMs === 'number'
        ? config.initializeTimeoutMs
        : (options.initializeTimeoutMs ?? DEFAULT_INITIALIZE_TIMEOUT_MS);
    this.#sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    const defaultTimeoutMs = config.defaultTimeoutMs;
    if (
      defaultTimeoutMs !== undefined &&
      !(
        typeof defaultTimeoutMs === 'number' &&
        Number.isInteger(defaultTimeoutMs) &&
        defaultTimeoutMs > 0
      )
    ) {
      throw new ConfigError(`'defaultTimeoutMs' must be a positive integer (milliseconds)`, {
        field: field('defaultTimeoutMs'),
      });
    }
    this.#executeTimeoutMs = defaultTimeoutMs;
  }

  /** Nothing to do: the server is started at first use (see `createStepflowPluginFactory`). */
  async start(): Promise<void> {}

  async listComponents(): Promise<ComponentInfo[]> {
    const connection = await this.#connection(undefined);
    if (connection.listed !== undefined) return connection.listed;
    let result;
    try {
      result = await connection.peer.request('components/list', {});
    } catch (error) {
      throw this.#failure(connection, error, 'listing components');
    }
    this.#failures = 0;
    return result.components;
  }

  async execute({ component, input, context }: ComponentExecution): Promise<FlowResult> {
    // The usual case (an established, open connection) without an extra await.
    const live = this.#live;
    const connection =
      live !== undefined &&
      live.closedInfo === undefined &&
      this.#dead === undefined &&
      !this.#closing.signal.aborted
        ? live
        : await this.#connection(context.signal);
    const observability: ObservabilityContext = {
      run_id: context.runId,
      flow_id: context.flowId,
      step_id: context.stepId,
    };
    // W3C ids always go with the run's trace id, so servers can correlate without a tracer.
    if (context.traceId !== undefined) {
      observability.trace_id = context.traceId;
      observability.span_id = context.spanId ?? nextSpanId();
    }
    this.#inFlight.add(context);
    let result;
    try {
      result = await connection.peer.request(
        'components/execute',
        {
          component: connection.names?.get(component) ?? component,
          input: input === undefined ? null : input,
          attempt: context.attempt,
          observability,
        },
        { signal: context.signal, timeoutMs: this.#executeTimeoutMs },
      );
    } catch (error) {
      this.#logger.debug(`component server '${this.name}' failed executing ${component}`, {
        plugin: this.name,
        run_id: context.runId,
        step_id: context.stepId,
        attempt: context.attempt,
        ...(observability.trace_id === undefined
          ? {}
          : { trace_id: observability.trace_id, span_id: observability.span_id }),
        error: messageOf(error),
      });
      throw this.#failure(
        connection,
        error,
        `executing ${component} for step '${context.stepId}' (attempt ${context.attempt})`,
      );
    } finally {
      this.#inFlight.delete(context);
    }
    this.#failures = 0;
    if (typeof result !== 'object' || result === null || !('output' in result)) {
      throw new ComponentError(
        ErrorCodes.internalError,
        `component server '${this.name}' answered components/execute for ${component} without an 'output'`,
      );
    }
    return { outcome: 'success', result: result.output ?? null };
  }

  async close(): Promise<void> {
    if (!this.#closing.signal.aborted)
      this.#closing.abort(new Error(`component server plugin '${this.name}' was closed`));
    await Promise.allSettled([...this.#connections].map((connection) => connection.peer.close()));
  }

  /**
   * What a failed request becomes: a server error → ComponentError, a lost server →
   * ComponentUnavailableError; anything else as is. `doing` names the request for the message.
   */
  #failure(connection: Connection, error: unknown, doing: string): unknown {
    if (JsonRpcError.isInstance(error)) {
      return new ComponentError(error.code, error.message, error.data, { cause: error });
    }
    if (RequestTimeoutError.isInstance(error)) {
      return new Error(
        `component server '${this.name}' did not answer in time (defaultTimeoutMs ${error.timeoutMs}) ${doing}`,
        { cause: error },
      );
    }
    if ((error as { droppedMessage?: unknown } | null)?.droppedMessage !== undefined) {
      // The transport dropped the answer unread (too large, say).
      return new Error(`component server '${this.name}' failed ${doing}: ${messageOf(error)}`, {
        cause: error,
      });
    }
    if (ConnectionClosedError.isInstance(error) || connection.closedInfo !== undefined) {
      const cause = connection.closedInfo?.error ?? (error as Error).cause ?? error;
      return new ComponentUnavailableError(
        `component server '${this.name}' (${this.#describe}) stopped while ${doing}: ${messageOf(cause)}`,
        { cause: error },
      );
    }
    return error;
  }

  /** The live connection, starting (or restarting) the server when there is none. */
  async #connection(signal: AbortSignal | undefined): Promise<Connection> {
    if (this.#closing.signal.aborted) throw this.#closedError();
    if (this.#dead) throw this.#dead;
    const live = this.#live;
    if (live !== undefined && live.closedInfo === undefined) return live;
    const connecting = (this.#connecting ??= this.#connectWithRetry().finally(() => {
      this.#connecting = undefined;
    }));
    if (signal === undefined) return connecting;
    // Every step of a run waits with the run's signal: one abortable wait per signal, not one
    // abort listener per step (the listener list of a signal is scanned on every add).
    const shared = this.#waits.get(signal);
    if (shared?.connecting === connecting) return shared.wait;
    const wait = abortable(connecting, signal);
    this.#waits.set(signal, { connecting, wait });
    return wait;
  }

  async #connectWithRetry(): Promise<Connection> {
    for (;;) {
      const wait = restartDelay(this.#policy, this.#failures);
      if (wait > 0) {
        try {
          await this.#sleep(wait, this.#closing.signal);
        } catch {
          throw this.#closedError();
        }
      }
      if (this.#closing.signal.aborted) throw this.#closedError();
      if (this.#launched) runtimeMetrics()?.serverRestarts.add(1, { 'stepflow.plugin': this.name });
      this.#launched = true;
      try {
        const connection = await this.#connect();
        this.#live = connection;
        this.#lastStartFailure = undefined;
        return connection;
      } catch (error) {
        if (this.#closing.signal.aborted) throw this.#closedError();
        this.#failures++;
        // A server that exits the same way twice before its handshake (a missing script, a
        // syntax error) will do so again: retrying only repeats its stack trace.
        const signature = startFailureSignature(error);
        const repeated = signature !== undefined && signature === this.#lastStartFailure;
        this.#lastStartFailure = signature;
        const permanent = isPermanentSpawnFailure(error);
        if (permanent || repeated || this.#failures >= this.#policy.maxConsecutiveFailures) {
          throw this.#markDead(
            error,
            permanent
              ? 'could not be started'
              : repeated
                ? 'exited the same way on two starts in a row'
                : `failed ${this.#failures} times in a row`,
          );
        }
        // The first line only: the server's stderr is in the final error, once.
        this.#logger.warn(`component server '${this.name}' failed to start; retrying`, {
          plugin: this.name,
          attempt: this.#failures,
          error: firstLine(messageOf(error)),
        });
      }
    }
  }

  async #connect(): Promise<Connection> {
    const transport = this.#createTransport();
    const peer: RuntimePeer = createJsonRpcPeer(transport, {
      onError: (error) =>
        this.#logger.warn(`component server '${this.name}': ${error.message}`, {
          plugin: this.name,
        }),
    });
    const connection: Connection = {
      peer,
      transport,
      established: false,
      closedInfo: undefined,
      names: undefined,
      listed: undefined,
    };
    this.#connections.add(connection);
    void peer.closed.then((info) => {
      connection.closedInfo = info;
      this.#connections.delete(connection);
      this.#onClosed(connection, info);
    });
    registerRuntimeCallbacks(peer, (observability, method, needsRun) =>
      this.#inFlight.resolve(observability, method, needsRun),
    );
    try {
      await peer.start();
      const result = await peer.request(
        'initialize',
        { runtime_protocol_version: PROTOCOL_VERSION },
        { timeoutMs: this.#initializeTimeoutMs, signal: this.#closing.signal },
      );
      if (result.server_protocol_version !== PROTOCOL_VERSION) {
        this.#logger.warn(
          `component server '${this.name}' speaks protocol version ${String(result.server_protocol_version)}`,
          {
            plugin: this.name,
            expected: PROTOCOL_VERSION,
          },
        );
      }
      await peer.notify('initialized', {});
      const listed = await this.#listAtStart(peer);
      const components = (listed as { components?: unknown } | undefined)?.components;
      if (Array.isArray(components)) connection.listed = components as ComponentInfo[];
      connection.names = unslashedNames(listed);
    } catch (error) {
      const reason = connection.closedInfo?.error ?? error;
      await peer.close(asError(error));
      throw new Error(`the server did not start: ${messageOf(reason)}`, {
        cause: reason,
      });
    }
    connection.established = true;
    this.#logger.debug(`component server '${this.name}' is ready`, { plugin: this.name });
    return connection;
  }

  /**
   * The server's `components/list`, asked once per (re)start: servers built with the reference
   * TypeScript SDK list (and only accept) names without the leading slash routing gives (`add`,
   * not `/add`), and later listings (output schemas, `list-components`) are answered from it. A
   * server that cannot list keeps the routed names.
   */
  async #listAtStart(peer: RuntimePeer): Promise<unknown> {
    try {
      return await peer.request(
        'components/list',
        {},
        { timeoutMs: this.#initializeTimeoutMs, signal: this.#closing.signal },
      );
    } catch (error) {
      this.#logger.debug(`component server '${this.name}' did not list its components`, {
        plugin: this.name,
        error: messageOf(error),
      });
      return undefined;
    }
  }

  #onClosed(connection: Connection, info: TransportCloseInfo): void {
    if (this.#live === connection) this.#live = undefined;
    if (!connection.established || this.#closing.signal.aborted) return;
    this.#failures++;
    const reason = info.error === undefined ? 'the connection closed' : info.error.message;
    this.#logger.warn(`component server '${this.name}' stopped; it is restarted on next use`, {
      plugin: this.name,
      failures: this.#failures,
      error: reason,
    });
    if (this.#failures >= this.#policy.maxConsecutiveFailures) {
      this.#markDead(info.error ?? new Error(reason), `crashed ${this.#failures} times in a row`);
    }
  }

  #markDead(cause: unknown, how: string): ComponentServerDeadError {
    this.#dead ??= new ComponentServerDeadError(
      this.name,
      `component server plugin '${this.name}' (${this.#describe}) ${how} and is marked dead: ${messageOf(cause)}`,
      { cause },
    );
    this.#logger.error(this.#dead.message, { plugin: this.name });
    return this.#dead;
  }

  #closedError(): Error {
    return new ComponentUnavailableError(`component server plugin '${this.name}' is closed`);
  }
}

function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') out[key] = entry;
  return out;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
