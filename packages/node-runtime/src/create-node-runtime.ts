import { createMcpPluginFactory, type McpPluginFactoryOptions } from '@stepflow/mcp/plugin';
import {
  createRuntime,
  createStepflowPluginFactory,
  type Runtime,
  type RuntimeOptions,
  type StepflowPluginFactoryOptions,
} from '@stepflow/runtime';
import { checkNetworkPluginUrl } from './internal/check-network-plugin-url.ts';
import { nodeTransportFactories } from './node-transport-factories.ts';

/** Options of {@link createNodeRuntime}: those of `createRuntime`, plus the stepflow plugin's. */
export interface NodeRuntimeOptions extends RuntimeOptions {
  /**
   * Options of `type: stepflow` plugins other than their transports (restart policy, initialize
   * timeout, the environment stdio children inherit from).
   */
  readonly stepflow?: Omit<StepflowPluginFactoryOptions, 'transports'>;
  /** Options of `type: mcp` plugins (restart policy, the environment MCP children inherit from). */
  readonly mcp?: McpPluginFactoryOptions;
}

/**
 * Creates a runtime that can run any flow on Node: the `builtin` and `mock` plugins,
 * `type: stepflow` component servers over stdio, streamable HTTP and WebSocket
 * ({@link nodeTransportFactories}), and `type: mcp` servers whose tools are components. The `url` of a network plugin is checked here, so a typo is
 * a `ConfigError` naming `plugins.<name>.url` before anything runs. `pluginFactories` given in
 * `options` are added and win over these.
 *
 * @example
 * const { flow, config, workingDirectory } = await loadFlowAndConfig('flow.yaml');
 * const runtime = createNodeRuntime({ config, workingDirectory });
 * const { result } = await runtime.run({ flow, input: { name: 'Ada' } });
 * await runtime.close();
 */
export function createNodeRuntime(options: NodeRuntimeOptions): Runtime {
  const { stepflow, mcp, ...runtimeOptions } = options;
  const stepflowPlugins = createStepflowPluginFactory({
    ...stepflow,
    transports: nodeTransportFactories,
  });
  return createRuntime({
    ...runtimeOptions,
    pluginFactories: {
      stepflow: (args) => {
        checkNetworkPluginUrl(args);
        return stepflowPlugins(args);
      },
      mcp: createMcpPluginFactory(mcp),
      ...options.pluginFactories,
    },
  });
}
