import { setTimeout as delay } from 'node:timers/promises';
import type { Transport, TransportCloseInfo } from '@stepflow/jsonrpc';
import {
  ErrorCodes,
  type ComponentInfo,
  type FlowResult,
  type ObservabilityContext,
} from '@stepflow/protocol';
import { ComponentError } from '../../errors/component-error.ts';
import { ComponentUnavailableError } from '../../errors/component-unavailable-error.ts';
import { ConfigError } from '../../errors/config-error.ts';
import type { Logger } from '../../logger.ts';
import { runtimeMetrics } from '../../telemetry/runtime-metrics.ts';
import { createSpanIds } from '../../telemetry/trace-ids.ts';
import { abortable } from '../abortable.ts';
import type { ComponentExecution, Plugin, PluginFactoryArgs } from '../plugin.ts';
import { ComponentServerDeadError } from './component-server-dead-error.ts';
import { ExecutionsInFlight } from './executions-in-flight.ts';
import { messageOf, requestFailure } from './request-failure.ts';
import { DEFAULT_RESTART_POLICY, restartDelay, type RestartPolicy } from './restart-policy.ts';
import { connectServer, type ServerConnection } from './server-connection.ts';
import { firstLine, isPermanentSpawnFailure, startFailureSignature } from './start-failure.ts';
import {
  DEFAULT_INITIALIZE_TIMEOUT_MS,
  type StepflowPluginFactoryOptions,
} from './stepflow-plugin-options.ts';
import { resolveServerTransport } from './stepflow-transports.ts';

/** Span ids of calls no tracer records (the ids only correlate, so `Math.random` will do). */
const nextSpanId = createSpanIds(Math.random);

/** A `type: stepflow` plugin: one component server, started lazily and restarted on failure. */
export class ComponentServerPlugin implements Plugin {
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
  readonly #connections = new Set<ServerConnection>();
  readonly #inFlight: ExecutionsInFlight;
  /** The established, open connection, if any. */
  #live: ServerConnection | undefined;
  /** A (re)start in progress, shared by every caller waiting for it. */
  #connecting: Promise<ServerConnection> | undefined;
  /** Waits for `#connecting` that end early when their signal aborts, shared per signal. */
  readonly #waits = new WeakMap<
    AbortSignal,
    { readonly connecting: Promise<ServerConnection>; readonly wait: Promise<ServerConnection> }
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
    const transport = resolveServerTransport(args, options.transports, options.env ?? process.env);
    this.#describe = transport.describe;
    this.#createTransport = transport.create;
    this.#policy = { ...DEFAULT_RESTART_POLICY, ...options.restart };
    this.#initializeTimeoutMs =
      typeof config.initializeTimeoutMs === 'number'
        ? config.initializeTimeoutMs
        : (options.initializeTimeoutMs ?? DEFAULT_INITIALIZE_TIMEOUT_MS);
    this.#sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    this.#executeTimeoutMs = executeTimeout(config.defaultTimeoutMs, args.name);
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

  #failure(connection: ServerConnection, error: unknown, doing: string): unknown {
    return requestFailure(
      { name: this.name, describe: this.#describe, closedInfo: connection.closedInfo },
      error,
      doing,
    );
  }

  /** The live connection, starting (or restarting) the server when there is none. */
  async #connection(signal: AbortSignal | undefined): Promise<ServerConnection> {
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

  async #connectWithRetry(): Promise<ServerConnection> {
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

  #connect(): Promise<ServerConnection> {
    return connectServer({
      name: this.name,
      transport: this.#createTransport(),
      logger: this.#logger,
      initializeTimeoutMs: this.#initializeTimeoutMs,
      signal: this.#closing.signal,
      resolveCallback: (observability, method, needsRun) =>
        this.#inFlight.resolve(observability, method, needsRun),
      onOpened: (connection) => this.#connections.add(connection),
      onClosed: (connection, info) => {
        this.#connections.delete(connection);
        this.#onClosed(connection, info);
      },
    });
  }

  #onClosed(connection: ServerConnection, info: TransportCloseInfo): void {
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

/** A plugin's `defaultTimeoutMs`: absent, or a positive integer (milliseconds). */
function executeTimeout(value: unknown, pluginName: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw new ConfigError(`'defaultTimeoutMs' must be a positive integer (milliseconds)`, {
    field: `plugins.${pluginName}.defaultTimeoutMs`,
  });
}
