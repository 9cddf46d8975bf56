import { type FlowResult, type StepflowConfig, ErrorCodes } from '@stepflow/protocol';
import { ComponentError } from '../errors/component-error.ts';
import { checkPluginResult } from '../plugins/check-plugin-result.ts';
import { createDeclaredOutputSchemas } from '../plugins/declared-output-schemas.ts';
import { ConfigError } from '../errors/config-error.ts';
import { createSemaphore, type Semaphore } from '../internal/semaphore.ts';
import type { Logger } from '../logger.ts';
import type { RuntimeServices } from '../services/runtime-services.ts';
import type { CallTarget } from '../telemetry/run-telemetry.ts';
import { defaultRoutes } from '../config/default-config.ts';
import type {
  ComponentExecution,
  ExecutionContext,
  ListedComponent,
  Plugin,
  PluginFactory,
} from '../plugins/plugin.ts';
import {
  RouteConfigError,
  RoutingError,
  createRouter,
  type RouteRuleConfig,
  type Router,
} from '../routing/router.ts';

/** The configured plugins and the routes to them: where a step's component runs. */
export interface PluginRegistry {
  /**
   * Routes a step's component and executes it; throws `ComponentError` when nothing matches or
   * the plugin's answer is malformed or (with `validate`) breaks the component's declared output
   * schema.
   */
  execute(
    component: string,
    input: unknown,
    context: ExecutionContext,
    validate: boolean,
  ): Promise<FlowResult>;
  /** The post-routing name of a component (best effort, for events). */
  componentName(component: string, input: unknown): string;
  /** Where a component runs: plugin, plugin type and transport (best effort, for spans). */
  describe(component: string, input: unknown): CallTarget;
  /** Starts every plugin once (later calls share the first start). */
  start(): Promise<void>;
  /** Lists every plugin's components. */
  listComponents(): Promise<ListedComponent[]>;
  /** Closes every plugin. */
  close(): Promise<void>;
}

/** What `createPluginRegistry` needs. */
export interface PluginRegistryOptions {
  readonly config: StepflowConfig;
  readonly factories: Readonly<Record<string, PluginFactory>>;
  readonly workingDirectory: string;
  readonly logger: Logger;
  /** Callbacks not tied to any run (see `PluginFactoryArgs.services`). */
  readonly services: RuntimeServices;
}

type PluginConfigs = Record<string, Record<string, unknown> & { type: string }>;

function buildPlugins(options: PluginRegistryOptions, configs: PluginConfigs): Map<string, Plugin> {
  const plugins = new Map<string, Plugin>();
  for (const [name, pluginConfig] of Object.entries(configs)) {
    const factory = options.factories[pluginConfig.type];
    if (!factory) {
      throw new ConfigError(
        `no plugin factory for type '${pluginConfig.type}' (known: ${Object.keys(options.factories).join(', ')})`,
        { field: `plugins.${name}.type` },
      );
    }
    try {
      plugins.set(
        name,
        factory({
          name,
          config: pluginConfig,
          workingDirectory: options.workingDirectory,
          logger: options.logger,
          services: options.services,
        }),
      );
    } catch (error) {
      if (ConfigError.isInstance(error)) throw error;
      throw new ConfigError(`cannot create plugin '${name}': ${(error as Error).message}`, {
        field: `plugins.${name}`,
        cause: error,
      });
    }
  }
  return plugins;
}

function buildRouter(
  configs: PluginConfigs,
  routes: Record<string, RouteRuleConfig[]> | undefined,
  plugins: ReadonlyMap<string, Plugin>,
): Router {
  if (routes === undefined) {
    const builtin = [...plugins.keys()].find((name) => configs[name]?.type === 'builtin');
    routes = builtin === undefined ? {} : defaultRoutes(builtin);
  }
  try {
    return createRouter(routes, new Set(plugins.keys()));
  } catch (error) {
    if (error instanceof RouteConfigError)
      throw new ConfigError(error.message, { field: error.field });
    throw error;
  }
}

/**
 * Builds every configured plugin with its factory and compiles the routes. Throws `ConfigError`
 * for an unknown plugin type or bad routes. Plugins are started on first use.
 */
export function createPluginRegistry(options: PluginRegistryOptions): PluginRegistry {
  const config = options.config as unknown as {
    plugins?: PluginConfigs;
    routes?: Record<string, RouteRuleConfig[]>;
  };
  const configs = config.plugins ?? {};
  const plugins = buildPlugins(options, configs);
  const limits = new Map<string, Semaphore>();
  for (const [name, pluginConfig] of Object.entries(configs))
    if (typeof pluginConfig.maxConcurrency === 'number')
      limits.set(name, createSemaphore(pluginConfig.maxConcurrency));
  const router = buildRouter(configs, config.routes, plugins);
  const declaredOutputSchemas = createDeclaredOutputSchemas(options.logger);
  let started: Promise<void> | undefined;

  return {
    async execute(component, input, context, validate) {
      let target;
      try {
        target = router.resolve(component, input);
      } catch (error) {
        if (error instanceof RoutingError)
          throw new ComponentError(ErrorCodes.componentNotFound, error.message);
        throw error;
      }
      const plugin = plugins.get(target.plugin)!;
      const execution: ComponentExecution = { component: target.component, input, context };
      const limit = limits.get(target.plugin);
      const result = await (limit
        ? limit.run(() => plugin.execute(execution))
        : plugin.execute(execution));
      return checkPluginResult(
        result,
        target,
        plugin,
        validate ? declaredOutputSchemas : undefined,
      );
    },
    componentName(component, input) {
      try {
        return router.resolve(component, input).component;
      } catch {
        return component;
      }
    },
    describe(component, input) {
      let target;
      try {
        target = router.resolve(component, input);
      } catch {
        return { component, plugin: '', pluginType: '', transport: '', needsActiveSpan: true };
      }
      const pluginConfig = configs[target.plugin];
      const type = pluginConfig?.type ?? '';
      const transport = pluginConfig?.transport;
      return {
        component: target.component,
        plugin: target.plugin,
        pluginType: type,
        transport:
          typeof transport === 'string' ? transport : type === 'stepflow' ? 'stdio' : 'in-process',
        // Builtins run in-process and only `openai` does I/O an instrumentation could record; the
        // nested runs of `map`, `iterate`, `eval`… get the call span explicitly.
        needsActiveSpan: type !== 'builtin' || target.component === '/openai',
      };
    },
    start() {
      started ??= (async () => {
        for (const plugin of plugins.values()) await plugin.start?.();
      })();
      return started;
    },
    async listComponents() {
      await this.start();
      const listed: ListedComponent[] = [];
      for (const [name, plugin] of plugins) {
        for (const info of await plugin.listComponents()) listed.push({ plugin: name, info });
      }
      return listed;
    },
    async close() {
      await Promise.allSettled([...plugins.values()].map((plugin) => plugin.close()));
    },
  };
}
