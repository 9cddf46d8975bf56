import { setTimeout as delay } from 'node:timers/promises';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCodes, type ComponentInfo, type FlowResult } from '@stepflow/protocol';
import {
  ComponentError,
  ComponentServerDeadError,
  ComponentUnavailableError,
  DEFAULT_RESTART_POLICY,
  isPermanentSpawnFailure,
  abortable,
  restartDelay,
  type ComponentExecution,
  type Logger,
  type Plugin,
  type PluginFactory,
  type PluginFactoryArgs,
  type RestartPolicy,
} from '@stepflow/runtime';
import { classifyToolCallError } from './classify-tool-call-error.ts';
import { openMcpConnection, relistTools, type McpConnection } from './mcp-connection.ts';
import { resolveMcpPluginSettings, type McpPluginSettings } from './mcp-plugin-settings.ts';
import { componentOfTool } from './tool-component.ts';
import { toolResultToFlowResult } from './tool-result.ts';

/** Options of {@link createMcpPluginFactory}. */
export interface McpPluginFactoryOptions {
  /** Environment MCP children inherit from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Restart policy (partial values override the defaults of component servers). */
  readonly restart?: Partial<RestartPolicy>;
  /** Waits between restarts; default `timers/promises` `setTimeout` (tests may inject). */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Creates the factory of `type: mcp` plugins: an MCP server (a child process over stdio, or a
 * streamable-HTTP endpoint with `transport: http`) whose tools become components `/<tool name>`.
 * Register it as `pluginFactories: { mcp: createMcpPluginFactory() }`.
 *
 * The server is started at first use (a step or `listComponents`) through the official MCP SDK
 * `Client`: `initialize`, then every page of `tools/list`. Tool calls run concurrently, each
 * bounded by `timeoutMs` without progress. A tool's `isError` result is a failed step with the
 * tool's text; a JSON-RPC error is a `ComponentError`. A server that exits (or an HTTP server
 * that cannot be reached) fails the calls in flight with `ComponentUnavailableError`, so the
 * engine retries them, and is restarted on next use with the same backoff and failure limit as
 * component servers; one that cannot start at all (no such command, refused credentials, the
 * same crash twice) is marked dead at once and its steps fail with one clear error. Its stderr
 * is read to the end and logged line by line.
 *
 * @example
 * const runtime = createRuntime({ config, workingDirectory,
 *   pluginFactories: { mcp: createMcpPluginFactory() } });
 */
export function createMcpPluginFactory(options: McpPluginFactoryOptions = {}): PluginFactory {
  return (args) => new McpPlugin(args, options);
}

class McpPlugin implements Plugin {
  readonly name: string;
  readonly #logger: Logger;
  readonly #settings: McpPluginSettings;
  readonly #policy: RestartPolicy;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #closing = new AbortController();
  readonly #connections = new Set<McpConnection>();
  #live: McpConnection | undefined;
  #connecting: Promise<McpConnection> | undefined;
  #failures = 0;
  #lastStartFailure: string | undefined;
  #dead: ComponentServerDeadError | undefined;

  constructor(args: PluginFactoryArgs, options: McpPluginFactoryOptions) {
    this.name = args.name;
    this.#logger = args.logger;
    this.#settings = resolveMcpPluginSettings(
      args.name,
      args.config,
      args.workingDirectory,
      options.env ?? process.env,
    );
    this.#policy = { ...DEFAULT_RESTART_POLICY, ...options.restart };
    this.#sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
  }

  /** Nothing to do: the server is started at first use. */
  async start(): Promise<void> {}

  async listComponents(): Promise<ComponentInfo[]> {
    const connection = await this.#connection(undefined);
    if (connection.stale || connection.relisting) await this.#relist(connection);
    this.#failures = 0;
    return [...connection.tools.values()].map((tool) =>
      componentOfTool(tool, this.#settings.toolOutput.get(tool.name) ?? this.#settings.output),
    );
  }

  async execute({ component, input, context }: ComponentExecution): Promise<FlowResult> {
    const connection = await this.#connection(context.signal);
    if (connection.stale || connection.relisting) await this.#relist(connection);
    const tool = this.#toolName(connection, component);
    const args = input === undefined || input === null ? {} : input;
    if (typeof args !== 'object' || Array.isArray(args)) {
      throw new ComponentError(
        ErrorCodes.invalidParams,
        `the input of MCP tool '${tool}' (plugin '${this.name}', step '${context.stepId}') must be an object of arguments, not ${Array.isArray(args) ? 'a list' : typeof args}`,
      );
    }
    let result: CallToolResult;
    try {
      result = (await connection.client.callTool(
        { name: tool, arguments: args as Record<string, unknown> },
        undefined,
        {
          signal: context.signal,
          timeout: this.#settings.timeoutMs,
          resetTimeoutOnProgress: true,
          onprogress: (progress) =>
            context.logger.debug(`MCP tool '${tool}' progress`, {
              plugin: this.name,
              run_id: context.runId,
              step_id: context.stepId,
              progress: progress.progress,
              ...(progress.total === undefined ? {} : { total: progress.total }),
              // A server's text, bounded for the log.
              ...(progress.message === undefined
                ? {}
                : { message: progress.message.slice(0, 200) }),
            }),
        },
      )) as CallToolResult;
    } catch (error) {
      if (context.signal.aborted) throw error;
      const failure = classifyToolCallError(error, connection, {
        plugin: this.name,
        describe: this.#settings.describe,
        tool,
        step: context.stepId,
        timeoutMs: this.#settings.timeoutMs,
      });
      // An HTTP server that cannot be reached has no process to exit: drop the session so the
      // next use connects anew.
      if (ComponentUnavailableError.isInstance(failure) && !connection.closed)
        void connection.close().catch(() => {});
      throw failure;
    }
    this.#failures = 0;
    return toolResultToFlowResult(
      tool,
      result,
      this.#settings.toolOutput.get(tool) ?? this.#settings.output,
    );
  }

  async close(): Promise<void> {
    if (!this.#closing.signal.aborted)
      this.#closing.abort(new Error(`MCP plugin '${this.name}' was closed`));
    await this.#connecting?.catch(() => {});
    await Promise.allSettled([...this.#connections].map((connection) => connection.close()));
  }

  /** The tool a (post-routing) component names: `/<tool>`, or its last segment as the reference. */
  #toolName(connection: McpConnection, component: string): string {
    const name = component.startsWith('/') ? component.slice(1) : component;
    if (connection.tools.has(name)) return name;
    const last = name.slice(name.lastIndexOf('/') + 1);
    if (connection.tools.has(last)) return last;
    const known = [...connection.tools.keys()];
    throw new ComponentError(
      ErrorCodes.componentNotFound,
      `MCP server '${this.name}' has no tool '${name}' (its tools: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''})`,
    );
  }

  /** Lists the tools again; shared by concurrent calls, so bound by the plugin's life only. */
  async #relist(connection: McpConnection): Promise<void> {
    try {
      await relistTools(connection, {
        timeout: this.#settings.initializeTimeoutMs,
        signal: this.#closing.signal,
      });
    } catch (error) {
      throw new ComponentUnavailableError(
        `MCP server '${this.name}' (${this.#settings.describe}) could not list its tools: ${messageOf(error)}`,
        { cause: error },
      );
    }
  }

  /** The live connection, starting (or restarting) the server when there is none. */
  async #connection(signal: AbortSignal | undefined): Promise<McpConnection> {
    if (this.#closing.signal.aborted) throw this.#closedError();
    if (this.#dead) throw this.#dead;
    const live = this.#live;
    if (live !== undefined && !live.closed) return live;
    const connecting = (this.#connecting ??= this.#connectWithRetry().finally(() => {
      this.#connecting = undefined;
    }));
    return signal === undefined ? connecting : abortable(connecting, signal);
  }

  async #connectWithRetry(): Promise<McpConnection> {
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
      try {
        const connection = await openMcpConnection(
          this.#settings,
          {
            logger: this.#logger,
            logStderrLine: (line) =>
              this.#logger.info(`[${this.name}] ${line}`, { plugin: this.name }),
            onClosed: (closed) => this.#onClosed(closed),
          },
          this.#closing.signal,
        );
        this.#connections.add(connection);
        if (connection.closed) throw new Error('the server exited right after it started');
        this.#live = connection;
        this.#lastStartFailure = undefined;
        this.#logger.debug(`MCP server '${this.name}' is ready`, {
          plugin: this.name,
          tools: connection.tools.size,
        });
        return connection;
      } catch (error) {
        if (this.#closing.signal.aborted) throw this.#closedError();
        this.#failures++;
        // The same failure twice in a row before the handshake (a missing script, a bad
        // argument) will happen again: retrying only repeats its stderr.
        const signature = messageOf(error).replace(/\d+/g, '#');
        const repeated = signature === this.#lastStartFailure;
        this.#lastStartFailure = signature;
        const permanent = isPermanentSpawnFailure(error) || isRefused(error);
        if (permanent || repeated || this.#failures >= this.#policy.maxConsecutiveFailures) {
          throw this.#markDead(
            error,
            permanent
              ? 'could not be started'
              : repeated
                ? 'failed the same way on two starts in a row'
                : `failed ${this.#failures} times in a row`,
          );
        }
        this.#logger.warn(`MCP server '${this.name}' failed to start; retrying`, {
          plugin: this.name,
          attempt: this.#failures,
          error: messageOf(error).split('\n')[0],
        });
      }
    }
  }

  #onClosed(connection: McpConnection): void {
    this.#connections.delete(connection);
    if (this.#live === connection) this.#live = undefined;
    if (!connection.established || this.#closing.signal.aborted) return;
    this.#failures++;
    this.#logger.warn(`MCP server '${this.name}' stopped; it is restarted on next use`, {
      plugin: this.name,
      failures: this.#failures,
    });
    if (this.#failures >= this.#policy.maxConsecutiveFailures)
      this.#markDead(new Error('the server stopped'), `stopped ${this.#failures} times in a row`);
  }

  #markDead(cause: unknown, how: string): ComponentServerDeadError {
    this.#dead ??= new ComponentServerDeadError(
      this.name,
      `MCP server plugin '${this.name}' (${this.#settings.describe}) ${how} and is marked dead: ${messageOf(cause)}`,
      { cause },
    );
    this.#logger.error(this.#dead.message, { plugin: this.name });
    return this.#dead;
  }

  #closedError(): Error {
    return new ComponentUnavailableError(`MCP plugin '${this.name}' is closed`);
  }
}

/** Whether an HTTP server refused our credentials (401) or origin (403): retrying will not help. */
function isRefused(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    // The SDK's StreamableHTTPError carries the HTTP status as `code` and no name of its own.
    if (
      typeof message === 'string' &&
      message.startsWith('Streamable HTTP error') &&
      (code === 401 || code === 403)
    )
      return true;
    if (current.constructor.name === 'UnauthorizedError') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
