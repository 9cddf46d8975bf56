import type { Transport } from '@stepflow/jsonrpc';
import { ConfigError } from '../../errors/config-error.ts';
import type { Logger } from '../../logger.ts';
import type { PluginFactoryArgs } from '../plugin.ts';
import { parseServerLogLine } from './server-log-line.ts';
import { resolveStdioLaunch, type StdioLaunch } from './stdio-launch.ts';

/** What a transport factory gets besides the transport config. */
export interface StepflowTransportContext {
  /** The plugin's name in the config. */
  readonly pluginName: string;
  /** The runtime's working directory. */
  readonly workingDirectory: string;
  /** The plugin's logger. */
  readonly logger: Logger;
  /**
   * Logs one line the server wrote to stderr, tagged with the plugin: a structured log line (JSON
   * from the SDKs' `context.log`) at its level with its step's ids, any other line as text at info.
   */
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

/** How a plugin reaches its server: a fresh transport per (re)start, and what to call it. */
export interface ServerTransport {
  /** A fresh, unstarted transport. */
  readonly create: () => Transport;
  /** The command line or URL, for messages. */
  readonly describe: string;
}

/**
 * Resolves a plugin's `transport` config to the injected factory that creates its transports.
 * Throws a `ConfigError` naming the field for an unknown or unavailable transport or a bad `url`.
 */
export function resolveServerTransport(
  args: PluginFactoryArgs,
  factories: StepflowTransportFactories,
  env: Readonly<Record<string, string | undefined>>,
): ServerTransport {
  const config = args.config;
  const field = (key: string): string => `plugins.${args.name}.${key}`;
  const context = transportContext(args);
  const transport = config.transport;
  if (transport === 'stdio') {
    const factory = factories.stdio;
    if (!factory)
      throw new ConfigError(`transport 'stdio' is not available in this build`, {
        field: field('transport'),
      });
    const launch = resolveStdioLaunch(args.name, config, args.workingDirectory, env);
    return {
      describe: [launch.command, ...launch.args].join(' '),
      create: () => factory(launch, context),
    };
  }
  if (transport === 'http' || transport === 'websocket') {
    const factory = factories[transport];
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
    return { describe: config.url, create: () => factory(network, context) };
  }
  throw new ConfigError(
    `unknown transport ${JSON.stringify(transport)} (expected stdio, http or websocket)`,
    { field: field('transport') },
  );
}

function transportContext(args: PluginFactoryArgs): StepflowTransportContext {
  return {
    pluginName: args.name,
    workingDirectory: args.workingDirectory,
    logger: args.logger,
    logStderrLine: (line) => {
      // A structured line (the SDKs' `context.log`) becomes a record of the step it names.
      const record = parseServerLogLine(line);
      if (record === undefined) args.logger.info(`[${args.name}] ${line}`, { plugin: args.name });
      else
        args.logger[record.level](`[${args.name}] ${record.message}`, {
          plugin: args.name,
          ...record.fields,
        });
    },
    logNonProtocolLine: (line) =>
      args.logger.warn(
        `component server '${args.name}' wrote a line that is not a protocol message; dropped`,
        {
          plugin: args.name,
          line: line.length > 200 ? `${line.slice(0, 200)}…` : line,
        },
      ),
  };
}

function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') out[key] = entry;
  return out;
}
