import type { Transport } from '@stepflow/jsonrpc';
import type { ComponentInfo } from '@stepflow/protocol';
import type { ComponentContext } from './component-context.ts';
import type { ComponentSchema, InferInput, InferOutput } from './component-schema.ts';
import { connectServer } from './internal/server-connection.ts';
import type { ConnectOptions, ServerConnection } from './server-connection.ts';
import { compileSchema, type CompiledSchema } from './internal/schema-adapter.ts';
import { createSemaphore } from './internal/semaphore.ts';
import {
  createUdfHandler,
  UDF_DESCRIPTION,
  UDF_INPUT_SCHEMA,
  type UdfInput,
} from './internal/udf-component.ts';
import type { UdfOptions } from './udf-options.ts';

// Re-exported for the serve-* adapters, which import them from here.
export type { ConnectOptions, ServerConnection } from './server-connection.ts';

/** Options of {@link createComponentServer}. */
export interface ComponentServerOptions {
  /** The server's name (for logs and the HTTP health endpoint). */
  readonly name: string;
  /** The server's version. */
  readonly version: string;
  /** Executions run at once, over all connections; further requests queue in arrival order. Default: unlimited. */
  readonly maxConcurrency?: number;
  /** Time limit of one execution in milliseconds (its `signal` aborts, then it fails with -32003). Default: none. */
  readonly executionTimeoutMs?: number;
  /**
   * Check every output against the component's `output` schema (a mismatch fails the execution
   * with -32003 naming the issues; a zod schema's parsed value is sent). Default `false`: the
   * Python SDK does not check outputs, and the check costs time on every call.
   */
  readonly validateOutput?: boolean;
  /** The built-in `/udf` component: on by default; `false` leaves it out. */
  readonly udf?: boolean | UdfOptions;
  /** Where log lines go (context `log`, protocol problems). Default: stderr. */
  readonly writeLog?: (line: string) => void;
}

/** What a component is registered with besides its handler. */
export interface ComponentDefinition<
  I extends ComponentSchema | undefined,
  O extends ComponentSchema | undefined,
> {
  /** One sentence for `components/list`. */
  readonly description?: string;
  /** The input schema; invalid input is answered with -32602 listing every issue. */
  readonly input?: I;
  /** The output schema, reported by `components/info` (enforced only with `validateOutput`). */
  readonly output?: O;
}

/**
 * A component's implementation: gets the validated input (parsed by a zod schema) and the
 * context; returns (or resolves) the output. Throw `ComponentError` for a deliberate failure
 * with your own code; anything else thrown becomes `-32003 Component execution failed: <message>`.
 */
export type ComponentHandler<Input, Output> = (
  input: Input,
  context: ComponentContext,
) => Output | Promise<Output>;

/** A registered component, as the server keeps it. */
export interface RegisteredComponent {
  readonly info: ComponentInfo;
  readonly input: CompiledSchema;
  /** Set when outputs are checked (`validateOutput` and an `output` schema). */
  readonly output: CompiledSchema | undefined;
  readonly handler: ComponentHandler<unknown, unknown>;
}

/**
 * A component server: a registry of components plus the protocol logic to serve them over any
 * `Transport` (`serveStdio` for a child process; HTTP and WebSocket adapters call `connect`).
 */
export interface ComponentServer {
  /** The server's name. */
  readonly name: string;
  /** The server's version. */
  readonly version: string;
  /**
   * Whether the built-in `/udf` component is on. It runs arbitrary code sent by the client, so
   * the network servers refuse to serve it without a token unless told otherwise.
   */
  readonly udfEnabled: boolean;
  /**
   * Registers a component. The name gets a leading `/` if it lacks one.
   *
   * @throws Error when the name is taken or a schema does not compile.
   */
  component<
    I extends ComponentSchema | undefined = undefined,
    O extends ComponentSchema | undefined = undefined,
  >(
    name: string,
    definition: ComponentDefinition<I, O>,
    handler: ComponentHandler<InferInput<I>, InferOutput<O>>,
  ): this;
  /** The `ComponentInfo` of every registered component, in registration order. */
  listComponents(): ComponentInfo[];
  /** The registered component of that name (with or without the leading `/`). */
  getComponent(name: string): RegisteredComponent | undefined;
  /** Serves the protocol over a transport; the returned connection has started. */
  connect(transport: Transport, options?: ConnectOptions): Promise<ServerConnection>;
}

/** Adds the leading `/` component names are matched with. */
export function normalizeComponentName(name: string): string {
  return name.startsWith('/') ? name : `/${name}`;
}

/**
 * Creates a component server.
 *
 * @example
 * ```ts
 * const server = createComponentServer({ name: 'greeter', version: '1.0.0' });
 * server.component('greet', { input: z.object({ name: z.string() }) }, ({ name }) => ({ text: `Hi ${name}` }));
 * await serveStdio(server);
 * ```
 */
export function createComponentServer(options: ComponentServerOptions): ComponentServer {
  if (!options.name) throw new TypeError('createComponentServer: `name` is required');
  if (options.executionTimeoutMs !== undefined && !(options.executionTimeoutMs > 0)) {
    throw new RangeError(
      `executionTimeoutMs must be a positive number, got ${String(options.executionTimeoutMs)}`,
    );
  }
  const registry = new Map<string, RegisteredComponent>();
  const semaphore = createSemaphore(options.maxConcurrency);
  const writeLog = options.writeLog ?? ((line: string) => void process.stderr.write(`${line}\n`));

  const server: ComponentServer = {
    name: options.name,
    version: options.version,
    udfEnabled: options.udf !== false,
    component(name, definition, handler) {
      const normalized = normalizeComponentName(name);
      if (normalized === '/') throw new TypeError('component: the name must not be empty');
      if (registry.has(normalized))
        throw new Error(`component: '${normalized}' is already registered`);
      if (typeof handler !== 'function')
        throw new TypeError(`component '${normalized}': the handler must be a function`);
      const input = compileSchema(definition.input, 'input', `component '${normalized}' input`);
      const output = compileSchema(definition.output, 'output', `component '${normalized}' output`);
      registry.set(normalized, {
        info: {
          component: normalized,
          ...(definition.description !== undefined && { description: definition.description }),
          ...(input.jsonSchema !== undefined && { input_schema: input.jsonSchema }),
          ...(output.jsonSchema !== undefined && { output_schema: output.jsonSchema }),
        } as ComponentInfo,
        input,
        output:
          options.validateOutput === true && definition.output !== undefined ? output : undefined,
        handler: handler as ComponentHandler<unknown, unknown>,
      });
      return this;
    },
    listComponents: () => [...registry.values()].map((entry) => entry.info),
    getComponent: (name) => registry.get(normalizeComponentName(name)),
    connect: (transport, connectOptions) =>
      connectServer(
        transport,
        { registry, semaphore, executionTimeoutMs: options.executionTimeoutMs, writeLog },
        connectOptions,
      ),
  };

  if (options.udf !== false) {
    const handler = createUdfHandler(typeof options.udf === 'object' ? options.udf : {});
    server.component<typeof UDF_INPUT_SCHEMA>(
      '/udf',
      { description: UDF_DESCRIPTION, input: UDF_INPUT_SCHEMA },
      (input, context) => handler(input as UdfInput, context),
    );
  }
  return server;
}
