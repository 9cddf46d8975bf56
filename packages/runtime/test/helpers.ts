import type { Flow, FlowResult, StepflowConfig } from '@stepflow/protocol';
import {
  type ComponentExecution,
  type PluginFactory,
  type RunEvent,
  type Runtime,
  type RuntimeOptions,
  createRuntime,
  parseFlowText,
} from '../src/index.ts';

/** Handler of the scripted test plugin. */
export type Handler = (execution: ComponentExecution) => Promise<FlowResult> | FlowResult;

/** A plugin factory whose components all run `handler`. */
export function scriptedPlugin(handler: Handler): PluginFactory {
  return ({ name }) => ({
    name,
    listComponents: async () => [{ component: '/anything' }],
    execute: async (execution) => handler(execution),
    close: async () => undefined,
  });
}

/** Config: builtins at `/builtin/…`, the scripted plugin at `/test/…`, mock at `/mock/…`. */
export function testConfig(mockComponents: Record<string, unknown> = {}): StepflowConfig {
  return {
    plugins: {
      builtin: { type: 'builtin' },
      test: { type: 'scripted' },
      mock: { type: 'mock', components: mockComponents },
    },
    routes: {
      '/builtin/{*component}': [{ plugin: 'builtin' }],
      '/test/{*component}': [{ plugin: 'test' }],
      '/mock/{*component}': [{ plugin: 'mock' }],
    },
  } as unknown as StepflowConfig;
}

/** Creates a runtime with the scripted plugin (default handler echoes its input). */
export function testRuntime(
  options: Partial<RuntimeOptions> & { handler?: Handler; mock?: Record<string, unknown> } = {},
): Runtime {
  const { handler, mock, ...rest } = options;
  return createRuntime({
    config: testConfig(mock),
    workingDirectory: process.cwd(),
    ...rest,
    pluginFactories: {
      scripted: scriptedPlugin(handler ?? ((e) => ({ outcome: 'success', result: e.input }))),
      ...rest.pluginFactories,
    },
  });
}

/** Parses YAML flow text (the `schema:` line is added). */
export function yamlFlow(text: string): Flow {
  return parseFlowText(`schema: https://stepflow.org/schemas/v1/flow.json\n${text}`).flow;
}

/** Collects events. */
export function eventLog(): { events: RunEvent[]; onEvent: (event: RunEvent) => void } {
  const events: RunEvent[] = [];
  return { events, onEvent: (event) => events.push(event) };
}

/** Lets pending promise callbacks run. */
export async function flushPromises(times = 10): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A promise with its resolve function. */
export function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
