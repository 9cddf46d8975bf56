import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createRuntime,
  parseFlowText,
  resolveConfig,
  type Logger,
  type Runtime,
} from '@stepflow/runtime';
import type { FlowResult } from '@stepflow/protocol';
import { createMcpPluginFactory } from '../src/index.ts';

/** The package's directory. */
export const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The fixture MCP server over stdio. */
export const FIXTURE_SERVER = join(PACKAGE, 'test/fixtures/stdio-server.mjs');
/** The bin of `@modelcontextprotocol/server-everything`. */
export const EVERYTHING_SERVER = join(
  PACKAGE,
  'node_modules/@modelcontextprotocol/server-everything/dist/index.js',
);
/** The bin of `@modelcontextprotocol/server-filesystem`. */
export const FILESYSTEM_SERVER = join(
  PACKAGE,
  'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js',
);

/** A runtime with `type: mcp` plugins, recording every log line. */
export interface McpHarness {
  readonly runtime: Runtime;
  /** Log lines (`level message fields`). */
  readonly logs: string[];
  /** Runs a flow given as YAML. */
  run(flowYaml: string, input?: unknown, signal?: AbortSignal): Promise<FlowResult>;
  close(): Promise<void>;
}

/**
 * Builds a runtime from a config document: every plugin in `plugins` is routed under
 * `/<plugin name>/…`, and `/builtin/…` goes to the builtins.
 */
export function createMcpHarness(plugins: Record<string, Record<string, unknown>>): McpHarness {
  const logs: string[] = [];
  const log =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      logs.push(`${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
    };
  const logger: Logger = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
  };
  const routes: Record<string, unknown> = { '/builtin/{*component}': [{ plugin: 'builtin' }] };
  for (const name of Object.keys(plugins)) routes[`/${name}/{*component}`] = [{ plugin: name }];
  const loaded = resolveConfig(
    { plugins: { builtin: { type: 'builtin' }, ...plugins }, routes },
    { baseDirectory: PACKAGE, env: process.env },
  );
  const runtime = createRuntime({
    config: loaded.config,
    workingDirectory: loaded.workingDirectory,
    logger,
    pluginFactories: {
      mcp: createMcpPluginFactory({ restart: { initialDelayMs: 10, maxDelayMs: 50 } }),
    },
  });
  return {
    runtime,
    logs,
    async run(flowYaml, input = {}, signal) {
      const { flow } = parseFlowText(
        `schema: https://stepflow.org/schemas/v1/flow.json\n${flowYaml}`,
        { format: 'yaml' },
      );
      const outcome = await runtime.run({ flow, input, ...(signal ? { signal } : {}) });
      return outcome.result;
    },
    close: () => runtime.close(),
  };
}

/** A one-step flow calling `component` with `input` (JSON), its output the step's output. */
export function oneStep(component: string, input: unknown, extra = ''): string {
  return `steps:
  - id: call
    component: ${component}
    input: ${JSON.stringify(input)}
${extra}
output: { $from: { step: call } }
`;
}
